/**
 * Whether a customer's turn asks something an article could answer. Transcribed speech often
 * loses the question mark, so the opening words count too; Chinese asks with particles and
 * question words more than with punctuation.
 */
const englishOpening =
  /^(?:(?:so|and|but|ok(?:ay)?|um|uh|well|hi|hello),?\s+)*(?:how|what|when|where|why|which|who|can|could|do|does|did|is|are|was|will|would|should|may|am)\b/i;
const chineseAsking =
  /吗|呢|怎么|怎样|如何|什么|为什么|多少|多久|多长|几|哪|能不能|可不可以|是不是|是否|有没有|要不要/;
/**
 * Where a question word does not ask: "重启了好几次" (several), "几乎" (almost), "哪怕" (even
 * if), "什么都试了" (tried everything), "怎么也连不上" (no matter how). Statements of trouble
 * are full of them, and an answer to a statement is noise.
 */
const chineseNotAsking =
  /好几|几乎|几[十百千万]|哪怕|不怎么|没什么|什么都|什么也|怎么都|怎么也|多少有点|多少有些/g;

/** Words that only ask ("有没有", "多久"): they say what kind of answer is wanted, not about what. */
export const chineseQuestionWord =
  /^(?:有没有|能不能|可不可以|是不是|是否|要不要|怎么样|怎么|怎样|如何|什么|为什么|多少|多久|多长|几|哪|哪里|哪儿)+$/;

const han = /[\u3400-\u9fff]/;

export function isQuestion(text: string): boolean {
  const trimmed = text.trim();
  if (/[?？]/.test(trimmed)) return true;
  if (englishOpening.test(trimmed)) return true;
  return han.test(trimmed) && chineseAsking.test(trimmed.replace(chineseNotAsking, ' '));
}

/**
 * The sentences of a customer's turn that ask, so an answer is judged by what was asked, not by
 * the story around it ("我在家办公，断了快一天了…你们有没有补偿？" asks about 补偿). The whole
 * turn when no single sentence asks on its own (speech transcribed without punctuation).
 */
export function askingSentences(text: string): string[] {
  // A Latin full stop ends a sentence only before a space ("$4.99" stays whole).
  const sentences = (text.match(/.+?(?:[.!?]+(?=\s|$)|[。！？?]+|$)/gs) ?? [])
    .map((sentence) => sentence.trim())
    .filter(Boolean);
  const asking = sentences.filter(isQuestion);
  return asking.length > 0 ? asking : [text.trim()];
}
