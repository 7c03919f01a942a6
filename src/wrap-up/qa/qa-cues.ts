/**
 * The words auto-QA listens for: greetings, verification, empathy, displeasure, resolution and
 * closing. Phrase lists, not models: each check must show its evidence, and a QA team reads and
 * argues with these when it calibrates the scorecard.
 */
export const greetingPattern =
  /\b(hello|hi|hey|good (?:morning|afternoon|evening)|welcome|thank(?:s| you) for (?:calling|contacting|reaching out))\b/i;
export const offerHelpPattern =
  /\b(how (?:can|may) i help|what can i do for you|how can i assist)\b/i;
export const verifyPattern =
  /\b(verif\w*|confirm (?:your|the) (?:identity|name|date of birth|address|email|phone number|account number|zip|postcode|pin|security)|security question|date of birth|last four|zip code|postcode|pin)\b/i;
export const changeActionPattern =
  /\b(update|change|reset|cancel|refund|credit|modify|close|upgrade|downgrade|remove|add)\w*/i;
export const verifyActionPattern = /verif|authenticat|identity/i;
export const empathyPattern =
  /\b(sorry|apologi[sz]e|understand (?:how|your|that)|i understand|frustrat\w*|that must be|i can imagine|i hear you|appreciate your patience)\b/i;

/**
 * Words a customer uses to say they are unhappy. Lexicon sentiment misses many of them: "I'm
 * honestly pretty annoyed" scores positive on "honestly" and "pretty".
 */
const displeasurePattern = new RegExp(
  [
    String.raw`\b(?:annoy(?:ed|ing)|frustrat(?:ed|ing)|angry|mad at|furious|livid|upset|irritat(?:ed|ing)|outrage(?:d|ous)|disappoint(?:ed|ing)|fed up|sick (?:and tired )?of|tired of|had enough|ridiculous|unacceptable|absurd|disgrace(?:ful)?|terrible|awful|horrible|useless|worst|pathetic|a joke|a nightmare|a waste of (?:my )?time)\b`,
    // Repeat contacts: "this is the second time", "it keeps happening".
    String.raw`\b(?:the|a) (?:second|third|fourth|fifth|\w+th|umpteenth|nth) time\b`,
    String.raw`\b(?:keeps|kept) (?:happening|doing this|charging)\b`,
    String.raw`\bnot (?:the )?first time\b`,
    // Threats to leave: "if it happens again I'm leaving", "switch to another service".
    String.raw`\bif\b[^.!?]*\b(?:i'?m|i am|i'?ll|i will|i'?m going to|i am going to|gonna)\s+(?:just\s+)?(?:leav|cancel|switch|go elsewhere|take my business|clos\w* my account|find another)`,
    String.raw`\b(?:switch(?:ing)? to|go(?:ing)? (?:to|with)) (?:another|a different|a competitor|your competitor|someone else)\b`,
    String.raw`\btake my (?:business|money) elsewhere\b`,
    String.raw`\b(?:speak|talk) to (?:a|your) (?:manager|supervisor)\b`,
    String.raw`\b(?:file|make|raise) a (?:formal )?complaint\b`,
  ].join('|'),
  'gi',
);
/** Phrases that are displeasure because of their negation. */
const negatedContentPattern =
  /\b(?:not (?:happy|ok(?:ay)?|acceptable|fair|good enough|impressed|satisfied)|unhappy|dissatisfied|can(?:'t|not) believe)\b/i;
/** "not upset", "never annoyed", "isn't ridiculous": a negation just before the cue cancels it. */
const negationBefore = /\b(?:not|never|no|nothing|\w*n't)\W+(?:\w+\W+){0,2}$/i;

/** Sentiment at or below this is clearly negative (both the live analyzer and the lexicon). */
export const upsetSentiment = -0.4;

/** The agent states that the fix is in place: "Done, the credit is applied to your bill." */
export const resolutionPattern = new RegExp(
  [
    String.raw`\b(?:is there anything else|does that (?:help|solve|fix|answer)|have i (?:resolved|answered)|is (?:that|everything) (?:ok|okay|resolved|working|clear)|did that (?:help|work)|resolved (?:your|the) (?:issue|problem)|next steps?|you will (?:receive|get|see)|you(?:'ll| will) (?:receive|get|see))\b`,
    String.raw`^\W*(?:ok(?:ay)?\W+|great\W+|perfect\W+)?(?:all )?done\b`,
    String.raw`\b(?:you(?:'re| are) all set|all sorted|taken care of|(?:that|it|this|everything)(?:'s| is| has been) (?:now )?(?:done|sorted|fixed|resolved|complete|completed|in place))\b`,
    String.raw`\b(?:has|have) (?:now |just )?been (?:applied|processed|issued|refunded|credited|cancel{1,2}ed|updated|changed|reset|fixed|resolved|added|removed|scheduled|sent|activated|reactivated|restored|submitted|waived)\b`,
    String.raw`\bi(?:'ve| have) (?:now |just |already )?(?:applied|processed|issued|refunded|credited|cancel{1,2}ed|updated|changed|reset|fixed|resolved|added|removed|scheduled|sent|activated|reactivated|restored|submitted|waived)\b`,
    String.raw`\b(?:is|are) (?:now )?(?:applied|active|activated|processed|cancel{1,2}ed|credited|refunded|waived) (?:to|on|for|from) your\b`,
  ].join('|'),
  'i',
);
export const closingPattern =
  /\b(?:anything else|have a (?:great|nice|good|wonderful|lovely|fantastic|pleasant|safe) (?:day|evening|night|weekend|afternoon|morning|one|rest of (?:your|the) day)|enjoy (?:your|the rest of your) (?:day|evening|weekend)|thank(?:s| you)(?: so much| again)? for (?:calling|contacting|reaching out|getting in touch|chatting|your (?:patience|time|call|business|loyalty|understanding)|being (?:with|a)|staying(?: with)?|choosing|sticking with)|(?:we )?appreciate your (?:business|loyalty)|take care|good ?bye|bye)\b/i;
/** A last sentence that only thanks the customer ("Thank you, Dana!") also closes a chat. */
export const thanksOnlyPattern =
  /^\W*thank(?:s| you)(?: (?:so|very) much| again)?(?:,? [\p{L}' ]{1,30})?\W*$/iu;

/** A displeasure cue in the text that no negation just before it cancels. */
export function displeasureCue(text: string): string | undefined {
  const negated = negatedContentPattern.exec(text);
  if (negated) return negated[0];
  for (const match of text.matchAll(displeasurePattern)) {
    const before =
      text
        .slice(0, match.index)
        // A negation reaches to the next comma or "but": "not angry, just disappointed".
        .split(/[.!?;,]|\bbut\b/i)
        .pop() ?? '';
    if (!negationBefore.test(before)) return match[0];
  }
  return undefined;
}
