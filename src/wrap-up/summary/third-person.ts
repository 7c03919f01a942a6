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

export function toThirdPerson(sentence: string, self: string, other: string | null): string {
  const listener = other ?? 'them';
  const words = sentence.split(/(\s+)/);
  const out: string[] = [];
  let conjugateNext = false;
  for (let i = 0; i < words.length; i++) {
    const token = words[i]!;
    if (/^\s+$/.test(token) || token === '') {
      out.push(token);
      continue;
    }
    const match = /^([^A-Za-z']*)([A-Za-z']+)([^A-Za-z']*)$/.exec(token);
    if (!match) {
      out.push(token);
      conjugateNext = false;
      continue;
    }
    const [, lead = '', word = '', trail = ''] = match;
    const lower = word.toLowerCase();
    const previousWord = previousWordOf(out);
    const atClauseStart =
      previousWord === null || /[,;:.!?]$/.test(previousWord) || clauseOpeners.test(previousWord);
    let replacement: string | null = null;
    let subject = false;
    switch (lower) {
      case "i'm":
        replacement = `${self} is`;
        break;
      case "i've":
        replacement = `${self} has`;
        break;
      case "i'll":
        replacement = `${self} will`;
        break;
      case "i'd":
        replacement = `${self} would`;
        break;
      case 'i':
        replacement = self;
        subject = true;
        break;
      case 'me':
      case 'myself':
        replacement = self;
        break;
      case 'my':
      case 'mine':
        replacement = `${self}'s`;
        break;
      case "you're":
        replacement = `${listener} is`;
        break;
      case "you've":
        replacement = `${listener} has`;
        break;
      case "you'll":
        replacement = `${listener} will`;
        break;
      case "you'd":
        replacement = `${listener} would`;
        break;
      case 'you':
        replacement = listener;
        subject = atClauseStart && other !== null;
        break;
      case 'yourself':
        replacement = listener;
        break;
      case 'your':
      case 'yours':
        replacement = `${listener}'s`;
        break;
      case 'we':
        replacement = other === null ? 'they' : `${self} and ${listener}`;
        break;
      case "we're":
        replacement = other === null ? 'they are' : `${self} and ${listener} are`;
        break;
      case "we'll":
        replacement = other === null ? 'they will' : `${self} and ${listener} will`;
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
      out.push(`${lead}${replacement}${trail}`);
      conjugateNext = subject && trail === '';
      continue;
    }
    if (conjugateNext && looksLikeVerb(word)) {
      if (adverbs.has(lower)) {
        out.push(token);
        continue; // "I just want" → keep looking for the verb after the adverb.
      }
      out.push(`${lead}${thirdPersonVerb(word)}${trail}`);
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
