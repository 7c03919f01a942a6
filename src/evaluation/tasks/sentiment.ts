import { createLocalEmbeddingModel } from '../../providers/worker/local-embeddings.js';
import { dataError, readJsonl, requireId, requireString, writeJsonl, type Row } from '../io.js';
import { classificationMetrics } from '../metrics.js';
import type { EvalTask } from '../task.js';
import {
  createSentimentModel,
  SENTIMENT_LABELS,
  type SentimentExample,
  type SentimentLabel,
} from '../../understanding/sentiment/index.js';

/**
 * `npm run eval -- sentiment --test F [--train F] --out P`. Labels may be names
 * ("negative"/"neutral"/"positive", or short forms), or numbers with or without a `label_name`;
 * numbers alone are read by the set they form ({0,1} binary, {0,1,2} or {-1,0,1} three-way).
 */

const nameAliases: Record<string, SentimentLabel> = {
  negative: 'negative',
  neg: 'negative',
  n: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  none: 'neutral',
  objective: 'neutral',
  positive: 'positive',
  pos: 'positive',
  p: 'positive',
};

interface LabelledRow {
  id: string;
  text: string;
  label: SentimentLabel;
}

/** Reads a labelled file, mapping every row's label to one of our three. */
export async function readSentimentFile(file: string): Promise<LabelledRow[]> {
  const rows = await readJsonl(file);
  const numbers = new Set<number>();
  const pending: Array<{
    row: Row;
    id: string;
    text: string;
    name: string | null;
    number: number | null;
  }> = [];
  for (const row of rows) {
    const id = requireId(file, row);
    const text = requireString(file, row, 'text');
    const raw = row.value.label;
    const labelName = row.value.label_name;
    let name: string | null = null;
    let number: number | null = null;
    if (typeof labelName === 'string' && nameAliases[labelName.trim().toLowerCase()])
      name = labelName;
    else if (typeof raw === 'string' && nameAliases[raw.trim().toLowerCase()]) name = raw;
    else if (typeof raw === 'number' || (typeof raw === 'string' && /^-?\d+$/.test(raw.trim()))) {
      number = Number(raw);
      numbers.add(number);
    } else {
      throw dataError(
        file,
        row.line,
        'label',
        `must be one of ${SENTIMENT_LABELS.join('/')} or a number (got ${JSON.stringify(raw)})`,
      );
    }
    pending.push({ row, id, text, name, number });
  }
  const sorted = [...numbers].sort((a, b) => a - b);
  const byNumber = new Map<number, SentimentLabel>();
  if (sorted.length === 2) {
    byNumber.set(sorted[0]!, 'negative');
    byNumber.set(sorted[1]!, 'positive');
  } else if (sorted.length === 3) {
    sorted.forEach((value, i) => byNumber.set(value, SENTIMENT_LABELS[i]!));
  } else if (sorted.length > 3) {
    const row = pending.find((p) => p.number !== null)!.row;
    throw dataError(
      file,
      row.line,
      'label',
      `numeric labels must form 2 or 3 classes (found ${sorted.join(', ')}); add label_name`,
    );
  }
  return pending.map(({ row, id, text, name, number }) => {
    const label = name !== null ? nameAliases[name.trim().toLowerCase()] : byNumber.get(number!);
    if (!label)
      throw dataError(
        file,
        row.line,
        'label',
        'a single numeric class cannot be told apart; add label_name',
      );
    return { id, text, label };
  });
}

export const task: EvalTask = {
  name: 'sentiment',
  description:
    'Utterance sentiment (negative/neutral/positive or binary), lexicons plus optional training rows',
  async run(args, reporter) {
    const test = await readSentimentFile(args.test);
    const train = args.train ? await readSentimentFile(args.train) : undefined;
    // The bundled sentence encoder covers English only; it is started (two worker threads, one
    // per core) only when some text will use it, so a Chinese set pays nothing for it.
    const english = [...test, ...(train ?? [])].some((row) => !/[\u3400-\u9fff]/.test(row.text));
    const embeddings = english ? await createLocalEmbeddingModel(2) : undefined;
    try {
      const model = await createSentimentModel({ embeddingModel: embeddings });
      if (train) {
        const started = Date.now();
        await model.fit(
          train.map((row): SentimentExample => ({ text: row.text, label: row.label })),
          { onProgress: (message) => reporter.progress(message) },
        );
        reporter.progress(
          `trained on ${train.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
      } else reporter.progress('no --train: lexicons (and seed-sentence similarity) only');
      // A binary test set is scored as binary: never predict a label it cannot contain.
      const present = new Set(test.map((row) => row.label));
      const labels = SENTIMENT_LABELS.filter((label) => present.has(label) || present.size === 1);
      const out = writeJsonl(args.out);
      const predicted: SentimentLabel[] = [];
      // Batches big enough to keep both embedding workers busy, small enough to report progress.
      const batch = 512;
      for (let start = 0; start < test.length; start += batch) {
        const rows = test.slice(start, start + batch);
        const results = await model.scoreMany(
          rows.map((row) => ({ text: row.text })),
          { labels },
        );
        rows.forEach((row, i) => {
          const result = results[i]!;
          predicted.push(result.label);
          out.write({
            id: row.id,
            label: result.label,
            score: Math.round(result.score * 10000) / 10000,
          });
        });
        reporter.progress(`scored ${Math.min(start + batch, test.length)}/${test.length}`);
      }
      await out.close();
      const metrics = classificationMetrics(
        test.map((row) => row.label),
        predicted,
      );
      return {
        n: metrics.n,
        macro_recall: metrics.macro_recall,
        macro_f1: metrics.macro_f1,
        accuracy: metrics.accuracy,
        trained: train !== undefined,
        embeddings: model.usesEmbeddings,
        per_label: metrics.per_label,
      };
    } finally {
      await embeddings?.close();
    }
  },
};
