/**
 * Which script a text is mostly in, and Traditional → simplified Chinese for the characters our
 * Chinese word lists, cue phrases, dates and note templates use, so a caller writing 氣/換/銷/對不起 gets what one writing 气/换/销/对不起 gets. Not a full
 * converter (that needs phrase tables): only characters that exist in traditional script alone,
 * so simplified text comes back unchanged. Ambiguous ones (著 and 乾 are also simplified
 * characters with meanings of their own) are left out on purpose.
 */
const pairs =
  // Feelings, courtesy and apology.
  '氣气對对歉歉帶带來来務务謝谢讓让給给麻麻煩烦諒谅解解滿满意意愛爱歡欢樂乐興兴慶庆' +
  '憤愤惱恼悶闷鬱郁難难過过厭厌噁恶惡恶糟糟傷伤淚泪誤误錯错壞坏爛烂騙骗劣劣差差' +
  '無无語语聊聊謊谎醜丑髒脏亂乱慘惨嚇吓擔担憂忧慮虑驚惊訝讶喪丧棄弃實实誠诚懇恳' +
  '貼贴熱热專专業业態态聽听優优質质點点讚赞滿满穩稳靠靠譜谱準准確确順顺暢畅' +
  // Services, money and leaving.
  '換换銷销戶户轉转網网約约訂订費费錢钱賬账單单額额帳账號号碼码卡卡扣扣價价貴贵' +
  '購购買买賣卖退退還还賠赔償偿補补據据餘余計计續续約约銀银機机話话電电線线鐵铁' +
  '運运營营商商寬宽頻频視视訊讯郵邮遞递貨货發发係系統统壓压處处辦办導导經经們们' +
  '領领啟启關关開开門门題题問问詢询應应該该請请說说講讲談谈記记錄录証证證证' +
  // Complaints and escalation.
  '訴诉監监報报紙纸聞闻師师會会協协個个這这麼么嗎吗為为從从時时間间長长進进後后' +
  '裡里邊边頭头幾几現现張张並并總总復复歷历樣样裝装塊块層层隊队員员則则廠厂與与' +
  '讀读寫写認认識识選选擇择員员標标準准級级權权條条規规議议態态拋抛儘尽盡尽' +
  '別别夠够聯联絡络簡简決决攜携獲获歸归虧亏趕赶緊紧數数' +
  // Dates, promises and deliveries (the wrap-up's follow-ups and notes).
  '週周禮礼繫系達达鐘钟內内兩两將将預预諾诺爭争複复幫帮見见調调減减撥拨於于連连斷断' +
  '萬万億亿筆笔絕绝雙双戲戏瀏浏覽览區区擊击護护幣币稱称產产種种類类藝艺貸贷檢检驗验' +
  '剛刚險险備备異异負负責责陣阵雜杂輸输結结體体' +
  // Common words of any call.
  '沒没覺觉際际試试設设參参車车東东紀纪顯显頁页閉闭動动稅税諮咨歲岁齊齐';

const toSimplifiedMap: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const chars = Array.from(pairs);
  for (let i = 0; i + 1 < chars.length; i += 2) {
    const [traditional, simplified] = [chars[i]!, chars[i + 1]!];
    if (traditional !== simplified) map.set(traditional, simplified);
  }
  return map;
})();

// Any character in the map: a quick test before rebuilding the string.
const traditionalPattern = new RegExp(`[${[...toSimplifiedMap.keys()].join('')}]`, 'u');

/** The text with the traditional characters we know replaced by their simplified forms. */
export function toSimplified(text: string): string {
  if (!traditionalPattern.test(text)) return text;
  let out = '';
  for (const char of text) out += toSimplifiedMap.get(char) ?? char;
  return out;
}

const hanPattern = /\p{Script=Han}/gu;
const kanaPattern = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const latinWordPattern = /[A-Za-z]+(?:'[A-Za-z]+)?/g;
// A Chinese word is one to two characters, so a Latin word weighs about as much as 1.5 Han
// characters when deciding which language most of a text is in.
const hanPerLatinWord = 1.5;

/**
 * Whether most of these texts are Chinese ('zh', by Han characters against Latin words) or not
 * ('en': the English rules, which also serve every other language); null when there is no text.
 */
export function majorityLanguage(texts: readonly string[]): 'zh' | 'en' | null {
  let han = 0;
  let latin = 0;
  let kana = 0;
  for (const text of texts) {
    han += text.match(hanPattern)?.length ?? 0;
    latin += text.match(latinWordPattern)?.length ?? 0;
    kana += text.match(kanaPattern)?.length ?? 0;
  }
  if (han === 0 && latin === 0 && kana === 0) return null;
  // Japanese writes Han characters too; its kana keep it off the Chinese path.
  if (kana > 0.1 * (han + kana)) return 'en';
  return han > latin * hanPerLatinWord ? 'zh' : 'en';
}
