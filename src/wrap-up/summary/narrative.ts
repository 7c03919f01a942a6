import { contentTokens, normalizeText, splitSentences, wordTokens } from '../text/text.js';
import { isRoleLabel, isServiceRole, speakerLabel } from './speakers.js';
import { toThirdPerson } from './third-person.js';

/** One turn as a summarizer sees it: who spoke (any naming scheme) and what they said. */
export interface SummaryTurn {
  speaker: string;
  text: string;
}

export interface NarrativeOptions {
  /**
   * Summary length as a share of the dialogue's words. Human dialogue summaries run at about a
   * fifth of the dialogue across very different corpora, so that is the default.
   */
  ratio?: number;
  minWords?: number;
  maxWords?: number;
}

interface Candidate {
  turnIndex: number;
  order: number;
  speaker: string;
  text: string;
  tokens: string[];
  question: boolean;
}

// Leading interjections. Words that can also start a statement ("No connection at all", "Good
// news: …", "Sorry I missed it") count as interjections only when punctuation follows them.
const fillerStart =
  /^(?:(?:(?:well|oh|so|ok|okay|yeah|yep|hi|hello|hey|um|uh|hmm|wow|ah)\b[\s,!.-]*)|(?:(?:yes|no|nope|sure|great|alright|all right|right|good|fine|sorry|thanks|thank you|please|dear|excuse me)\b\s*[,!.-]+\s*))+/i;

/** Strips what a summary never repeats: handles, links, emoji, signatures, leading interjections. */
export function cleanUtterance(text: string): string {
  return normalizeText(text)
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(^|\s)@\w+/g, ' ')
    .replace(/(^|\s)[\^*~-][A-Z]{1,4}\b/g, ' ') // "^JB" style agent signatures
    .replace(/#(\w+)/g, '$1')
    .replace(/[\p{Extended_Pictographic}\uFE0F\u200D]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Service pleasantries say nothing about the call ("Thank you for calling, how can I help you
// today?"); left in, they became "The agent asks for calling, how can they help …".
const pleasantry =
  /\b(?:(?:this|the|your) call (?:may|might|will|can) be recorded(?: for [\w ]+?)?|(?:this call is|calls are|all calls are) (?:being )?recorded(?: for [\w ]+?)?|(?:thank you|thanks)(?: so much| very much)? for (?:calling|contacting(?: us)?|reaching out(?: to us)?|getting in touch|your patience|waiting|holding|being with us|choosing us)|(?:how|what) (?:can|may) I (?:help|assist|do for) you(?: with)?(?: today)?|is there anything else(?: I can (?:help|assist) (?:you )?with)?(?: today)?|have a (?:great|good|nice|wonderful|lovely) (?:day|evening|weekend|night)(?: ahead)?)\b[\s,!.?-]*/gi;

// An agent introducing themselves ("this is Nia speaking", "you're chatting with Priya from
// Brightwave support"). Case-sensitive on purpose: a name is capitalised, "this is ridiculous"
// is not an introduction.
const introduction =
  /\b(?:[Tt]his is|[Mm]y name is|[Yy]ou(?:'re| are) (?:speaking|chatting|talking) (?:to|with)) [A-Z][a-z]+(?: (?:from|at) [A-Z][\w-]*(?: [A-Z][\w-]*| support| team| customer service)*)?(?: speaking| here)?\b[\s,!.?-]*/g;

function stripFiller(sentence: string): string {
  return sentence
    .replace(introduction, ' ')
    .replace(pleasantry, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(fillerStart, '')
    .trim();
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [key, value] of a) {
    na += value * value;
    const other = b.get(key);
    if (other !== undefined) dot += value * other;
  }
  for (const value of b.values()) nb += value * value;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Extractive-compressive narrative: picks the most central sentences of the dialogue (TF-IDF
 * over its own sentences, redundancy-penalised), then rewrites each into third-person reported
 * speech attributed to its speaker, in dialogue order, up to a length target.
 */
export function narrativeSummary(
  turns: readonly SummaryTurn[],
  options: NarrativeOptions = {},
): string {
  const ratio = options.ratio ?? 0.19;
  const minWords = options.minWords ?? 12;
  const maxWords = options.maxWords ?? 80;
  const speakers = [...new Set(turns.map((turn) => turn.speaker))];
  const labels = new Map(speakers.map((speaker) => [speaker, referenceOf(speakerLabel(speaker))]));

  const candidates: Candidate[] = [];
  let dialogueWords = 0;
  turns.forEach((turn, turnIndex) => {
    const cleaned = cleanUtterance(turn.text);
    dialogueWords += wordTokens(cleaned).length;
    for (const raw of splitSentences(cleaned)) {
      const text = stripFiller(raw);
      const tokens = contentTokens(text);
      // Greetings, thanks, "OK." and what a stripped introduction leaves ("Brightwave support,")
      // carry nothing a summary keeps.
      if (tokens.length < 2 || wordTokens(text).length < 3) continue;
      candidates.push({
        turnIndex,
        order: candidates.length,
        speaker: turn.speaker,
        text,
        tokens,
        question: /\?\s*$/.test(text),
      });
    }
  });
  if (candidates.length === 0) return '';

  // IDF over the dialogue's own sentences: words every sentence uses say little about any one.
  const df = new Map<string, number>();
  for (const candidate of candidates)
    for (const token of new Set(candidate.tokens)) df.set(token, (df.get(token) ?? 0) + 1);
  const n = candidates.length;
  const vectors = candidates.map((candidate) => {
    const vector = new Map<string, number>();
    for (const token of candidate.tokens) vector.set(token, (vector.get(token) ?? 0) + 1);
    for (const [token, count] of vector)
      vector.set(token, (1 + Math.log(count)) * Math.log(1 + n / df.get(token)!));
    return vector;
  });
  // Centroid weighted by raw frequency: what the dialogue keeps coming back to.
  const centroid = new Map<string, number>();
  for (const candidate of candidates)
    for (const token of candidate.tokens)
      centroid.set(token, (centroid.get(token) ?? 0) + Math.log(1 + n / df.get(token)!));

  const firstTurn = candidates[0]!.turnIndex;
  const scores = candidates.map((candidate, i) => {
    const centrality = cosine(vectors[i]!, centroid);
    // The opening request usually states the reason for contact.
    const opening = candidate.turnIndex <= firstTurn + 1 ? 0.15 : 0;
    const lengthPrior = Math.min(candidate.tokens.length, 12) / 12;
    return centrality + opening + 0.1 * lengthPrior;
  });

  const target = Math.max(minWords, Math.min(maxWords, Math.round(dialogueWords * ratio)));
  const chosen: number[] = [];
  let words = 0;
  const remaining = new Set(candidates.map((_, i) => i));
  while (remaining.size > 0 && words < target) {
    let best = -1;
    let bestScore = -Infinity;
    for (const i of remaining) {
      const redundancy = chosen.reduce(
        (max, j) => Math.max(max, cosine(vectors[i]!, vectors[j]!)),
        0,
      );
      const score = scores[i]! - 0.7 * redundancy;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    remaining.delete(best);
    const length = wordTokens(candidates[best]!.text).length;
    // Stop rather than blow far past the target with one long sentence.
    if (chosen.length > 0 && words + length > target * 1.4) continue;
    chosen.push(best);
    words += length;
  }
  chosen.sort((a, b) => a - b);

  return chosen
    .map((i) => {
      const candidate = candidates[i]!;
      const self = labels.get(candidate.speaker)!;
      const others = speakers.filter((speaker) => speaker !== candidate.speaker);
      const other = others.length === 1 ? labels.get(others[0]!)! : null;
      return renderSentence(candidate, self, other);
    })
    .join(' ');
}

/**
 * How the narrative names a speaker. Roles read as a supervisor writes them ("the customer", "the
 * agent", referred back to as "they"); names and anonymised tags (#Person1#) stay as they are,
 * because summaries of such dialogues repeat the tag rather than use a pronoun.
 */
interface Reference {
  name: string;
  pronouns: boolean;
  /** An agent's "we" is the company. */
  organisation: boolean;
}

function referenceOf(label: string): Reference {
  return isRoleLabel(label)
    ? { name: `the ${label.toLowerCase()}`, pronouns: true, organisation: isServiceRole(label) }
    : { name: label, pronouns: false, organisation: false };
}

// Hedges a written summary leaves out: "I'm honestly pretty annoyed" → "is annoyed".
const hedges =
  /\b(?:honestly|frankly|literally|basically|totally)\b,?\s+|\bpretty\s+(?=(?:\w+ed|bad|sure|upset|mad|angry|sad|poor|slow)\b)/gi;
// "I can offer you one month free" is a proposal, reported as what the speaker offered.
const offer =
  /^(?:(?:so|but|and|now|then)\s+)?(?:i|we)(?:\s+(?:can|could)|'d like to|\s+would like to|\s+want to|'m happy to|\s+am happy to|'m able to|\s+am able to)\s+(?:also\s+)?offer\s+(you\s+)?(.+?)[.!]*$/i;

function renderSentence(candidate: Candidate, self: Reference, other: Reference | null): string {
  const text = candidate.text.replace(hedges, '');
  const opener = capitalizeFirst(self.name);
  const thirdPerson = (sentence: string, lastNamed: 'self' | 'other' | null): string =>
    toThirdPerson(sentence, self.name, other?.name ?? null, {
      pronouns: self.pronouns,
      lastNamed,
      speaksForOrganisation: self.organisation,
    })
      .replace(/[.!?]+\s*$/, '')
      .trim();
  const offered = candidate.question ? null : offer.exec(text);
  if (offered) {
    const toListener = offered[1] !== undefined;
    const what = thirdPerson(offered[2]!, toListener ? 'other' : 'self');
    return toListener
      ? `${opener} offers ${other?.name ?? 'them'} ${what}.`
      : `${opener} offers ${what}.`;
  }
  const plain = thirdPerson(text, null);
  if (plain.startsWith(self.name)) return `${capitalizeFirst(plain)}.`;
  // After "X tells Y" the listener was named last; after "X asks"/"X says", the speaker.
  const framed = thirdPerson(text, other && !candidate.question ? 'other' : 'self');
  const lowered =
    /^[A-Z][a-z]/.test(framed) && !/^(I|Mr|Mrs|Ms|Dr)\b/.test(framed)
      ? framed.charAt(0).toLowerCase() + framed.slice(1)
      : framed;
  return candidate.question
    ? `${opener} asks ${lowered}.`
    : other
      ? `${opener} tells ${other.name} ${lowered}.`
      : `${opener} says ${lowered}.`;
}
