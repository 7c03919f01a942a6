import { createLangchainTextSplitter } from '../providers/langchain/langchain-text-splitter.js';

/**
 * Splits an article body into overlapping passages, preferring paragraph, then line, then
 * sentence boundaries (CJK punctuation included).
 */
export interface ChunkOptions {
  /** Target passage size in characters. */
  size?: number;
  overlap?: number;
}

const separators = ['\n\n', '\n', '. ', '。', '！', '？', '; ', '；', '，', ', ', ' ', ''];

export async function chunkText(text: string, options: ChunkOptions = {}): Promise<string[]> {
  const size = options.size ?? 900;
  const splitter = createLangchainTextSplitter({
    size,
    overlap: options.overlap ?? Math.round(size / 8),
    separators,
  });
  const chunks = await splitter.split(text);
  return chunks.map((chunk) => chunk.trim()).filter((chunk) => chunk !== '');
}
