/**
 * Chinese function words: they say nothing about a topic, and in a knowledge base that is mostly
 * English they are rare, so BM25 would weigh "了" or "您" like a topic word. Left out of search
 * queries (articles may still contain them; a query term never matches them).
 */
export const chineseStopWords: ReadonlySet<string> = new Set(
  (
    '的 了 在 是 我 有 和 就 不 都 一 一个 上 也 很 到 说 要 去 你 会 着 没 没有 看 好 自己 这 那 他 她 它 ' +
    '们 我们 你们 您 吗 呢 吧 啊 呀 哦 嗯 把 被 让 给 从 对 向 跟 与 及 或 而 但 但是 如果 因为 所以 可以 ' +
    '能 还 又 再 才 已经 这个 那个 这样 那样 什么 怎么 为什么 哪 哪里 请 请问 一下 一直 这边 那边 谢谢 ' +
    '好的 之 其 此 等 个 次 每 些 做 得 地 过 来 下 里 后 前 中 时 时候 现在 家 我家 一次 两次 吧 么 啦 嘛 ' +
    // Seen naming knowledge gaps of Mandarin calls ("出国 不了"): modal and linking words.
    '不了 该 应该 还是 就是 只是 然后 可能 这种 那种 ' +
    // Greetings and degree adverbs of a customer's opening turn ("你好……太气人了"): no topic.
    '你好 您好 太 每次 非常 特别'
  ).split(' '),
);

// Amounts and dates said in words (八十九, 十一): articles write numbers in digits, and a number
// names no topic; left in, it only lowers the confidence of every result.
const chineseNumeral = /^[零〇一二两三四五六七八九十百千万亿]+$/;

/** A Chinese query word that says nothing about the topic. */
export function isChineseStopWord(word: string): boolean {
  return chineseStopWords.has(word) || chineseNumeral.test(word);
}
