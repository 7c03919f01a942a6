import vader from 'vader-sentiment';

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

// Praise followed closely by a complaint is sarcasm on a support line.
const sarcasm =
  /(?:^|[.!?]\s*)(?:oh,?\s+|well,?\s+|just\s+)?(?:great|perfect|wonderful|fantastic|awesome|brilliant|lovely|nice|thanks a lot|thanks for nothing|just what i needed|love (?:it|that))\b[^.!?]{0,60}\b(?:another|again|hold|waiting|wait|hours?|broken|charged|cancel\w*|still|never|no one|nobody|nothing|late|delayed?)\b/;

export function scoreEnglish(text: string): LexiconScore {
  const lower = text.toLowerCase();
  let score = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
  const fired: string[] = [];
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
  return { score: Math.max(-1, Math.min(1, score)), cues: fired };
}
