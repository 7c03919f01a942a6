// Han, kana and Hangul are written without spaces between words.
const unspaced = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;

/**
 * A transcript as speech-to-text emits it: piece by piece, a word at a time in English, a
 * character at a time in Chinese (a Mandarin sentence has no spaces, so cutting at spaces would
 * give one interim with the whole sentence).
 */
export interface SpokenPieces {
  pieces: string[];
  /** The first `count` pieces as text. */
  upTo(count: number): string;
}

export function spokenPieces(text: string): SpokenPieces {
  if (unspaced.test(text)) {
    const pieces = Array.from(text);
    return { pieces, upTo: (count) => pieces.slice(0, count).join('') };
  }
  const pieces = text.split(' ');
  return { pieces, upTo: (count) => pieces.slice(0, count).join(' ') };
}

/**
 * How long a speaker takes to say it: about 170 English words a minute, about 4 Mandarin
 * characters a second.
 */
export function speakingMs(text: string): number {
  const { pieces } = spokenPieces(text);
  return pieces.length * (unspaced.test(text) ? 250 : 350);
}
