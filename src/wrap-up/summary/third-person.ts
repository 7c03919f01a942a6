/**
 * Rewrites a first-person utterance into third-person reported speech about named speakers:
 * "I need my card" said by the customer to the agent → "Customer needs Customer's card".
 * English only; rules stay small and predictable rather than clever.
 */

// Words that follow a subject but are not verbs to conjugate (modals, past forms, adverbs).
const keepAfterSubject = new Set(
  `can could will would shall should must might may did didn't can't won't couldn't wouldn't shouldn't was wasn't were
  had hadn't just also really never always still already only even actually probably definitely think'd`.split(
    /\s+/,
  ),
);
const adverbs = new Set([
  'just',
  'also',
  'really',
  'never',
  'always',
  'still',
  'already',
  'only',
  'even',
  'actually',
  'probably',
  'definitely',
  'usually',
  'often',
  'certainly',
]);
const irregular: Record<string, string> = {
  have: 'has',
  do: 'does',
  go: 'goes',
  am: 'is',
  are: 'is',
  "don't": "doesn't",
  "haven't": "hasn't",
  "aren't": "isn't",
  were: 'was',
  "weren't": "wasn't",
};

/** Third person singular of a present-tense verb ("want" → "wants", "try" → "tries"). */
export function thirdPersonVerb(verb: string): string {
  const lower = verb.toLowerCase();
  const known = irregular[lower];
  if (known) return known;
  if (
    keepAfterSubject.has(lower) ||
    (/ed$/.test(lower) && !/eed$/.test(lower)) ||
    /'/.test(lower) ||
    !/^[a-z]+$/.test(lower)
  )
    return verb;
  if (/(s|sh|ch|x|z|o)$/.test(lower)) return `${verb}es`;
  if (/[^aeiou]y$/.test(lower)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

// Words that can begin a subject clause, so that a following "you" is a subject.
const clauseOpeners =
  /^(and|but|so|if|that|when|because|since|as|or|then|while|though|although|unless|where|until)$/i;
// Words after "I"/"you" that show the clause is not a simple statement (e.g. inverted questions).
const looksLikeVerb = (word: string): boolean =>
  /^[a-z']+$/i.test(word) && !/^(and|or|but|the|a|an|to|for|too|guys|all)$/i.test(word);

export interface ThirdPersonOptions {
  /**
   * Refer back to the speaker as "they"/"them"/"their" while they are the last person named, and
   * drop a repeated subject after "and" ("… this month and is annoyed"), as a person writing a
   * summary would. Off by default: with anonymised tags (#Person1#) summaries repeat the tag.
   */
  pronouns?: boolean;
  /** Who the words before this sentence named last: `other` after "X tells Y", `self` after "X asks". */
  lastNamed?: 'self' | 'other' | null;
  /**
   * The speaker talks for an organisation (an agent): "we don't run freight trains" means the
   * company, so "we" becomes "they", not "the agent and the customer".
   */
  speaksForOrganisation?: boolean;
}

// Third-person plural already in the sentence (or produced from "we"/"us"/"our") would make a
// "they" for the speaker ambiguous, so such sentences keep the speaker's name.
const thirdPlural =
  /\b(they|them|their|theirs|themselves|they're|they've|they'll|they'd|we|us|our|ours|we're|we'll|we've)\b/i;
const pluralForms: Record<string, string> = { am: 'are', was: 'were', "wasn't": "weren't" };

export function toThirdPerson(
  sentence: string,
  self: string,
  other: string | null,
  options: ThirdPersonOptions = {},
): string {
  const listener = other ?? 'them';
  const organisation = options.speaksForOrganisation === true;
  const pronouns = options.pronouns === true && other !== null && !thirdPlural.test(sentence);
  const words = sentence.split(/(\s+)/);
  const out: string[] = [];
  let conjugateNext = false;
  let plural = false;
  let skipSpace = false;
  let lastNamed = options.lastNamed ?? null;
  let lastSubject: 'self' | 'other' | null = null;
  let previousWasPerson = false;
  for (let i = 0; i < words.length; i++) {
    const token = words[i]!;
    if (/^\s+$/.test(token) || token === '') {
      if (!skipSpace) out.push(token);
      skipSpace = false;
      continue;
    }
    skipSpace = false;
    const match = /^([^A-Za-z']*)([A-Za-z']+)([^A-Za-z']*)$/.exec(token);
    if (!match) {
      out.push(token);
      conjugateNext = false;
      previousWasPerson = false;
      continue;
    }
    const [, lead = '', word = '', trail = ''] = match;
    const lower = word.toLowerCase();
    const previousWord = previousWordOf(out);
    const atClauseStart =
      previousWord === null || /[,;:.!?]$/.test(previousWord) || clauseOpeners.test(previousWord);
    // "I was charged twice and I'm annoyed" → "… and is annoyed": same subject, so leave it out.
    // Not after a person ("the agent and I"), where "and" joins two subjects.
    const elide =
      pronouns &&
      lastSubject === 'self' &&
      !previousWasPerson &&
      previousWord !== null &&
      /^(and|but)$/i.test(previousWord);
    const pronoun = pronouns && lastNamed === 'self';
    const selfSubject = (verb: string, pluralVerb: string): string =>
      elide ? verb : pronoun ? `they ${pluralVerb}` : `${self} ${verb}`;
    let replacement: string | null = null;
    let subject = false;
    let named: 'self' | 'other' | null = null;
    let subjectOf: 'self' | 'other' | null = null;
    switch (lower) {
      case "i'm":
        replacement = selfSubject('is', 'are');
        named = subjectOf = 'self';
        break;
      case "i've":
        replacement = selfSubject('has', 'have');
        named = subjectOf = 'self';
        break;
      case "i'll":
        replacement = selfSubject('will', 'will');
        named = subjectOf = 'self';
        break;
      case "i'd":
        replacement = selfSubject('would', 'would');
        named = subjectOf = 'self';
        break;
      case 'i':
        replacement = elide ? '' : pronoun ? 'they' : self;
        subject = true;
        named = subjectOf = 'self';
        break;
      case 'me':
        replacement = pronoun ? 'them' : self;
        named = 'self';
        break;
      case 'myself':
        replacement = pronoun ? 'themselves' : self;
        named = 'self';
        break;
      case 'my':
        replacement = pronoun ? 'their' : `${self}'s`;
        named = 'self';
        break;
      case 'mine':
        replacement = pronoun ? 'theirs' : `${self}'s`;
        named = 'self';
        break;
      case "you're":
        replacement = `${listener} is`;
        named = subjectOf = 'other';
        break;
      case "you've":
        replacement = `${listener} has`;
        named = subjectOf = 'other';
        break;
      case "you'll":
        replacement = `${listener} will`;
        named = subjectOf = 'other';
        break;
      case "you'd":
        replacement = `${listener} would`;
        named = subjectOf = 'other';
        break;
      case 'you':
        replacement = listener;
        subject = atClauseStart && other !== null;
        named = 'other';
        if (subject) subjectOf = 'other';
        break;
      case 'yourself':
        replacement = listener;
        named = 'other';
        break;
      case 'your':
      case 'yours':
        replacement = `${listener}'s`;
        named = 'other';
        break;
      case 'we':
        replacement = other === null || organisation ? 'they' : `${self} and ${listener}`;
        break;
      case "we're":
        replacement = other === null || organisation ? 'they are' : `${self} and ${listener} are`;
        break;
      case "we'll":
        replacement = other === null || organisation ? 'they will' : `${self} and ${listener} will`;
        break;
      case 'us':
        replacement = 'them';
        break;
      case 'our':
      case 'ours':
        replacement = 'their';
        break;
      default:
        break;
    }
    if (replacement !== null) {
      if (replacement === '') {
        if (lead !== '') out.push(lead);
        skipSpace = true;
      } else out.push(`${lead}${replacement}${trail}`);
      conjugateNext = subject && trail === '';
      plural = subject && replacement === 'they';
      if (named !== null) lastNamed = named;
      if (subjectOf !== null) lastSubject = subjectOf;
      previousWasPerson = named !== null;
      continue;
    }
    previousWasPerson = false;
    if (conjugateNext && looksLikeVerb(word)) {
      if (adverbs.has(lower)) {
        out.push(token);
        continue; // "I just want" → keep looking for the verb after the adverb.
      }
      const verb = plural ? (pluralForms[lower] ?? word) : thirdPersonVerb(word);
      out.push(`${lead}${verb}${trail}`);
    } else out.push(token);
    conjugateNext = false;
  }
  return out.join('');
}

function previousWordOf(out: readonly string[]): string | null {
  for (let i = out.length - 1; i >= 0; i--) {
    const value = out[i]!;
    if (value.trim() !== '') return value;
  }
  return null;
}
