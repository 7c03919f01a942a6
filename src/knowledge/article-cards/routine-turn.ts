import { contentTokens } from '../../wrap-up/text/text.js';

/**
 * The parts of a customer turn that carry no topic: greetings, thanks, yes/no and other
 * acknowledgements, closings, and the frames of a verification answer ("my email is …", "我的手机号
 * 是 …"). Whatever is left is what the turn asks about. English and Chinese; the longer phrase
 * first, so "thank you" goes before "you" would be left over.
 */
const routineEnglish = new RegExp(
  String.raw`\b(?:${[
    'hi',
    'hello',
    'hey',
    'good (?:morning|afternoon|evening|day)',
    'thanks?(?: you)?(?: (?:so|very) much)?',
    'cheers',
    'appreciate it',
    'yes',
    'yeah',
    'yep',
    'no',
    'nope',
    'ok(?:ay)?',
    'sure',
    'alright',
    'all right',
    'great',
    'perfect',
    'fine',
    'fair',
    'got it',
    'correct',
    'right',
    'please',
    'bye',
    'goodbye',
    "that's (?:all|it|everything|fine|great|right|correct)",
    'nothing else',
    'have a (?:good|nice|great) (?:day|one|evening)',
    "it's",
    'my (?:name|email|e-mail|number|phone number|date of birth|postcode|zip code|address|account number) is',
  ].join('|')})\b`,
  'gi',
);

const routineChinese = new RegExp(
  [
    '你好',
    '您好',
    '喂',
    '谢谢(?:你|您)?',
    '多谢',
    '感谢',
    '好的',
    '好吧',
    '好',
    '行',
    '可以',
    '嗯+',
    '哦',
    '对(?:的)?',
    '是的?',
    '没有了?',
    '没(?:有)?(?:别的|其他)(?:问题|事)?了?',
    '没事了?',
    '再见',
    '拜拜',
    '不客气',
    '麻烦(?:你|您)了',
    '我(?:的)?(?:名字|手机号(?:码)?|电话(?:号码)?|邮箱|账号|身份证号?)(?:是|叫)?',
    '我叫',
    '了',
    '吧',
    '啊',
    '呢',
  ].join('|'),
  'g',
);

/** Numbers, e-mail addresses and the like: what a verification answer is made of. */
const identifiers = /\S+@\S+|[\d\s\-+().:/]{2,}|\d/g;

/**
 * How many topic words a customer turn has once its routine parts are taken out: 0 for small
 * talk, an acknowledgement, a closing or the answer to a verification question ("It's
 * sam@example.net", "13812345678。", "好吧，谢谢。"). Chinese is unsegmented here, so two
 * characters count as one word.
 */
export function topicWordCount(text: string): number {
  const rest = text
    .replace(identifiers, ' ')
    .replace(routineChinese, ' ')
    .replace(routineEnglish, ' ');
  const chinese = rest.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  return Math.floor(chinese / 2) + contentTokens(rest.replace(/[\u3400-\u9fff]+/g, ' ')).length;
}
