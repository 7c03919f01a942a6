/**
 * Whether a customer's turn asks something an article could answer. Transcribed speech often
 * loses the question mark, so the opening words count too; Chinese asks with particles and
 * question words more than with punctuation.
 */
const englishOpening =
  /^(?:(?:so|and|but|ok(?:ay)?|um|uh|well|hi|hello),?\s+)*(?:how|what|when|where|why|which|who|can|could|do|does|did|is|are|was|will|would|should|may|am)\b/i;
const chineseAsking =
  /吗|呢|怎么|怎样|如何|什么|为什么|多少|多久|多长|几|哪|能不能|可不可以|是不是|是否|有没有|要不要/;

/** Words that only ask ("有没有", "多久"): they say what kind of answer is wanted, not about what. */
export const chineseQuestionWord =
  /^(?:有没有|能不能|可不可以|是不是|是否|要不要|怎么样|怎么|怎样|如何|什么|为什么|多少|多久|多长|几|哪|哪里|哪儿)+$/;

export function isQuestion(text: string): boolean {
  const trimmed = text.trim();
  if (/[?？]/.test(trimmed)) return true;
  if (englishOpening.test(trimmed)) return true;
  return /[\u3400-\u9fff]/.test(trimmed) && chineseAsking.test(trimmed);
}
