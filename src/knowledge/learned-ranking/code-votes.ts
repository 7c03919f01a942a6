import type { ResolutionVote, ResolutionVotes } from './resolution-ranker.js';

/** A past conversation as the code vote sees it: its confirmed code and what resolved it. */
export interface CodedExample {
  id: string;
  code?: string | null | undefined;
  articles: ReadonlyMap<string, number>;
}

/** Per article, what the conversations of one code say about it. */
interface CodeArticle {
  /** Sum over the code's resolved conversations of evidence / that conversation's strongest. */
  mass: number;
  /** Ids of the code's conversations it resolved, newest first. */
  conversations: string[];
}

/** Per code: how many of its conversations have article evidence, and per article its share. */
export type CodeStatistics = ReadonlyMap<
  string,
  { resolved: number; articles: Map<string, CodeArticle> }
>;

/**
 * Which articles resolved the conversations of each confirmed code. Only conversations with both
 * a code and article evidence count; examples are newest first, so are the conversation ids.
 */
export function codeStatistics(examples: readonly CodedExample[]): CodeStatistics {
  const byCode = new Map<string, { resolved: number; articles: Map<string, CodeArticle> }>();
  for (const example of examples) {
    if (!example.code || example.articles.size === 0) continue;
    const entry = byCode.get(example.code) ?? { resolved: 0, articles: new Map() };
    const strongest = Math.max(...example.articles.values());
    entry.resolved += 1;
    for (const [articleId, weight] of example.articles) {
      const article = entry.articles.get(articleId) ?? { mass: 0, conversations: [] };
      article.mass += weight / strongest;
      article.conversations.push(example.id);
      entry.articles.set(articleId, article);
    }
    byCode.set(example.code, entry);
  }
  return byCode;
}

export interface CodeVoteSettings {
  sharpness: number;
  halfSupportSimilarity: number;
}

/**
 * The code vote: the nearest conversations with a confirmed code say which codes this
 * conversation is likely to end with (similarity-weighted, as the direct vote weighs
 * neighbours); each code then votes for the articles that resolved its conversations, in
 * proportion to how many of them each resolved. Its support is the nearest coded
 * conversations' closeness, times the share of the code mass that falls on codes with any
 * resolved conversation: codes nobody used an article for have nothing to say.
 */
export function codeVotes(
  examples: readonly CodedExample[],
  nearest: readonly { doc: number; similarity: number }[],
  statistics: CodeStatistics,
  settings: CodeVoteSettings,
): ResolutionVotes {
  const codeMass = new Map<string, number>();
  let total = 0;
  for (const { doc, similarity } of nearest) {
    const strength = similarity ** settings.sharpness;
    const code = examples[doc]!.code!;
    codeMass.set(code, (codeMass.get(code) ?? 0) + strength);
    total += strength;
  }
  if (total === 0) return { votes: [], support: 0 };
  const byArticle = new Map<
    string,
    { share: number; best: number; code: string; article: CodeArticle }
  >();
  let resolvedMass = 0;
  for (const [code, mass] of codeMass) {
    const stats = statistics.get(code);
    if (!stats) continue;
    resolvedMass += mass / total;
    for (const [articleId, article] of stats.articles) {
      const part = ((mass / total) * article.mass) / stats.resolved;
      const entry = byArticle.get(articleId);
      if (!entry) byArticle.set(articleId, { share: part, best: part, code, article });
      else {
        entry.share += part;
        // The explanation names the code that gave the most.
        if (part > entry.best) Object.assign(entry, { best: part, code, article });
      }
    }
  }
  const votes: ResolutionVote[] = [...byArticle]
    .map(([articleId, entry]) => ({
      articleId,
      share: entry.share,
      conversations: entry.article.conversations.length,
      examples: entry.article.conversations.slice(0, 3),
      code: entry.code,
    }))
    .sort((a, b) => b.share - a.share || a.articleId.localeCompare(b.articleId));
  if (votes.length === 0) return { votes: [], support: 0 };
  const top = nearest.slice(0, 5);
  const closeness = top.reduce((sum, n) => sum + n.similarity, 0) / top.length;
  const support = (closeness / (closeness + settings.halfSupportSimilarity)) * resolvedMass;
  return { votes, support };
}

/**
 * The direct vote and the code vote, each weighed by its support. Without code votes the direct
 * vote is returned as it is (no code evidence: today's learned ranking, to the bit). An article
 * keeps the direct vote's explanation unless the code vote gave it more.
 */
export function combineVotes(direct: ResolutionVotes, byCode: ResolutionVotes): ResolutionVotes {
  if (byCode.votes.length === 0 || byCode.support === 0) return direct;
  if (direct.votes.length === 0 || direct.support === 0) return byCode;
  const weight = direct.support + byCode.support;
  const directOf = new Map(direct.votes.map((vote) => [vote.articleId, vote]));
  const codeOf = new Map(byCode.votes.map((vote) => [vote.articleId, vote]));
  const votes = [...new Set([...directOf.keys(), ...codeOf.keys()])].map((articleId) => {
    const fromDirect = directOf.get(articleId);
    const fromCode = codeOf.get(articleId);
    const directPart = direct.support * (fromDirect?.share ?? 0);
    const codePart = byCode.support * (fromCode?.share ?? 0);
    const explained = codePart > directPart ? fromCode! : fromDirect!;
    return { ...explained, share: (directPart + codePart) / weight };
  });
  votes.sort((a, b) => b.share - a.share || a.articleId.localeCompare(b.articleId));
  return { votes, support: Math.max(direct.support, byCode.support) };
}
