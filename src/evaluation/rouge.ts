/**
 * ROUGE-1/2/L F1 (Lin 2004) with the usual tokenization: lowercase, runs of ASCII letters and
 * digits are tokens, everything else separates them. No stemming, no stopword removal.
 */
export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeL: number;
}

export function rougeTokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function f1(overlap: number, candidateTotal: number, referenceTotal: number): number {
  if (overlap === 0 || candidateTotal === 0 || referenceTotal === 0) return 0;
  const precision = overlap / candidateTotal;
  const recall = overlap / referenceTotal;
  return (2 * precision * recall) / (precision + recall);
}

function rougeN(candidate: readonly string[], reference: readonly string[], n: number): number {
  const c = ngramCounts(candidate, n);
  const r = ngramCounts(reference, n);
  let overlap = 0;
  for (const [gram, count] of c) overlap += Math.min(count, r.get(gram) ?? 0);
  return f1(overlap, Math.max(candidate.length - n + 1, 0), Math.max(reference.length - n + 1, 0));
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  // One rolling row keeps memory linear; dialogue summaries are short so time is not a concern.
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Scores one candidate against one reference. */
export function rouge(candidate: string, reference: string): RougeScores {
  const c = rougeTokens(candidate);
  const r = rougeTokens(reference);
  return {
    rouge1: rougeN(c, r, 1),
    rouge2: rougeN(c, r, 2),
    rougeL: f1(lcsLength(c, r), c.length, r.length),
  };
}

/**
 * Scores against several references. `average` is what multi-reference DialogSum papers report;
 * `best` takes, per metric, the best reference (as TweetSumm's scripts do).
 */
export function rougeMulti(
  candidate: string,
  references: readonly string[],
): { average: RougeScores; best: RougeScores } {
  const scores = references.map((reference) => rouge(candidate, reference));
  const zero: RougeScores = { rouge1: 0, rouge2: 0, rougeL: 0 };
  if (scores.length === 0) return { average: zero, best: zero };
  const keys: (keyof RougeScores)[] = ['rouge1', 'rouge2', 'rougeL'];
  const average = { ...zero };
  const best = { ...zero };
  for (const key of keys) {
    average[key] = scores.reduce((sum, s) => sum + s[key], 0) / scores.length;
    best[key] = Math.max(...scores.map((s) => s[key]));
  }
  return { average, best };
}
