import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { TextSplitter, TextSplitterOptions } from '../spec/text-splitter.js';

/**
 * The one place that touches langchain: its recursive character splitter, which tries each
 * separator in turn and merges the pieces back up to the passage size. No langchain type leaves
 * this file.
 */
export function createLangchainTextSplitter(options: TextSplitterOptions): TextSplitter {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: options.size,
    chunkOverlap: options.overlap,
    separators: [...options.separators],
  });
  return {
    split: (text) => splitter.splitText(text),
  };
}
