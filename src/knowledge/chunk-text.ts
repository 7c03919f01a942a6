import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

/**
 * The one place that touches langchain: splits an article body into overlapping passages,
 * preferring paragraph, then line, then sentence boundaries (CJK punctuation included).
 * Returns plain strings; no langchain type leaves this file.
 */
export interface ChunkOptions {
  /** Target passage size in characters. */
  size?: number;
  overlap?: number;
}

export async function chunkText(text: string, options: ChunkOptions = {}): Promise<string[]> {
  const size = options.size ?? 900;
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: size,
    chunkOverlap: options.overlap ?? Math.round(size / 8),
    separators: ['\n\n', '\n', '. ', '。', '！', '？', '; ', '；', '，', ', ', ' ', ''],
  });
  const chunks = await splitter.splitText(text);
  return chunks.map((chunk) => chunk.trim()).filter((chunk) => chunk !== '');
}
