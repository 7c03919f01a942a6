import { jiebaSegmenter } from '../providers/jieba/jieba-segmenter.js';
import { wordTokens } from './word-tokens.js';

/**
 * Chinese text cut into what the wrap-up and its notes read: sentences, clauses and words.
 * Chinese is written without spaces, so words come from the segmenter (jieba); text without Han
 * characters never loads its dictionary.
 */

// Han characters (CJK unified ideographs and extension A, compatibility ideographs).
const hanPattern = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** Sentences, split after 。！？ (and Latin terminal marks); keeps the punctuation. */
export function splitChineseSentences(text: string): string[] {
  return (text.match(/[^。！？!?]+(?:[。！？!?]+|$)/g) ?? [])
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Clauses of one sentence, split on Chinese and Latin commas and semicolons, without them. */
export function splitClauses(sentence: string): string[] {
  return sentence
    .split(/[，,；;：:。！？!?、]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * Word tokens of text that may be Chinese: `wordTokens` alone would make one "word" of each
 * clause; jieba splits it into words first. Text without Han characters gets exactly
 * `wordTokens`.
 */
export function segmentedWordTokens(text: string): string[] {
  if (!hanPattern.test(text)) return wordTokens(text);
  return jiebaSegmenter.segment(text).flatMap((piece) => wordTokens(piece));
}

/*
 * Words that carry grammar, courtesy or the speakers, not what a call is about: pronouns,
 * particles, aspect and degree words, conjunctions, and the courtesy every call has. A call's
 * topic or code is read from the other words.
 */
const stopwordList = `我 我们 你 你们 您 您们 他 她 它 他们 她们 咱们 自己 这 那 这个 那个 这些 那些 这边 那边
这里 那里 这样 那样 这么 那么 什么 怎么 怎么样 为什么 哪 哪里 哪个 谁 多少 几 的 地 得 了 着 过 吗 呢 吧 啊
呀 哦 嗯 哈 嘛 啦 喂 是 不是 有 没有 没 不 也 都 还 就 才 又 再 很 太 非常 特别 真的 真 挺 比较 更 最 一 一个
一下 一点 一些 一直 个 些 在 和 跟 与 及 或 或者 而 而且 但 但是 可是 不过 所以 因为 如果 要是 若 万一 假如
的话 然后 那么 另外 还有 并且 就是 只是 已经 正在 会 能 可以 可能 要 想 需要 应该 让 把 被 给 对 向 从 到
为 为了 帮 帮您 为您 给您 请 请问 麻烦 谢谢 感谢 好 好的 对 对不起 抱歉 不好意思 您好 你好 再见 行 嗯嗯
现在 刚才 今天 明天 昨天 时候 一下子 知道 觉得 看 说 问 下 上 里 中 后 前 次 呢 么`;

export const chineseStopwords: ReadonlySet<string> = new Set(stopwordList.split(/\s+/));

/** Words of a Chinese text that carry meaning: no stopwords, no single Han characters, no digits. */
export function chineseContentWords(text: string): string[] {
  return segmentedWordTokens(text).filter(
    (word) => hanPattern.test(word) && [...word].length > 1 && !chineseStopwords.has(word),
  );
}
