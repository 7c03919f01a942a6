/**
 * Chinese function words: they say nothing about a topic, and in a knowledge base that is mostly
 * English they are rare, so BM25 would weigh "了" or "您" like a topic word. Left out of search
 * queries (articles may still contain them; a query term never matches them).
 */
export const chineseFunctionWords: ReadonlySet<string> = new Set(
  (
    '的 了 在 是 我 有 和 就 不 都 一 一个 上 也 很 到 说 要 去 你 会 着 没 没有 看 好 自己 这 那 他 她 它 ' +
    '们 我们 你们 您 吗 呢 吧 啊 呀 哦 嗯 把 被 让 给 从 对 向 跟 与 及 或 而 但 但是 如果 因为 所以 可以 ' +
    '能 还 又 再 才 已经 这个 那个 这样 那样 什么 怎么 为什么 哪 哪里 请 请问 一下 一直 这边 那边 谢谢 ' +
    '好的 之 其 此 等 个 次 每 些 做 得 地 过 来 下 里 后 前 中 时 时候 现在 家 我家 一次 两次 吧 么 啦 嘛 ' +
    // Seen naming knowledge gaps of Mandarin calls ("出国 不了"): modal and linking words.
    '不了 该 应该 还是 就是 只是 然后 可能 这种 那种 ' +
    // Greetings and degree adverbs of a customer's opening turn ("你好……太气人了"): no topic.
    '你好 您好 太 每次 非常 特别 ' +
    // "Each", as jieba splits 每个月 (every month): the pair 每个 月 matched a plan article's price table.
    '每个'
  ).split(' '),
);

// Amounts and dates said in words (八十九, 十一): articles write numbers in digits, and a number
// names no topic; left in, it only lowers the confidence of every result.
const chineseNumeral = /^[零〇一二两三四五六七八九十百千万亿]+$/;

/** A Chinese query word that says nothing about the topic (knowledge search). */
export function isChineseStopWord(word: string): boolean {
  return chineseFunctionWords.has(word) || chineseNumeral.test(word);
}

/*
 * What a whole call says besides its matter, on top of the function words: courtesy, the
 * speakers, conditions, degree, when (a call's code or topic is what happened, not when), the
 * identity check's words, and anger (the sentiment analyzer's to read).
 */
const callWords = `您们 他们 她们 咱们 这些 那些 这里 那里 这么 那么 怎么样 多少 几 谁 哪个 哈 喂 不是
真的 真 挺 比较 更 最 太 非常 特别 一点 一些 若 万一 假如 要是 的话 另外 还有 并且 而且 或者 可是 不过
并 想 需要 必须 正在 为 为了 帮 帮您 为您 给您 替 感谢 不客气 抱歉 对不起 不好意思 麻烦 您好 你好 再见
行 嗯嗯 今天 明天 昨天 后天 刚才 上次 这次 到现在 以后 以前 之前 之后 一会儿 马上 到底 怎么回事 确实
的确 知道 觉得 看到 开始 这个月 上个月 下个月 本月 今年 去年 上周 下周 这周 本周 昨晚 今晚 早上 晚上
上午 下午 中午 昨天晚上 今天下午 明天下午 到时候 每次 我要 我想 一共 同一
邮编 手机号 手机号码 号码 后四位 身份证 验证码 气人 太气 生气 过分 离谱 这么久 在家`;

/** Words left out when reading what a call is about: the function words and `callWords`. */
export const chineseStopwords: ReadonlySet<string> = new Set([
  ...chineseFunctionWords,
  ...callWords.split(/\s+/),
]);
