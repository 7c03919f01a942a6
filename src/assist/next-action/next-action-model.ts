import { SoftmaxRegression } from '../../learning/softmax-regression.js';
import { FeatureIndex, type FeatureBag } from '../../learning/sparse-vector.js';
import { matchStepToLabel, type Workflow } from './workflows.js';

/**
 * Next-best-action: given the conversation so far and the actions the agent already took,
 * rank the actions the agent should take next. A linear model over n-grams of the recent text,
 * of the text new since the last action, and of the action history (action sequences are very
 * predictive: "verify" follows "pull up account"), plus, when guidelines are given, which
 * written workflow the conversation looks like and which of its steps is still undone.
 */
export interface NextActionInput {
  /** The conversation text so far (both speakers). */
  context: string;
  /** Actions already taken in this conversation, oldest first. */
  previousActions: readonly string[];
  /** The context when the last action was taken; the difference is what is new since. */
  previousContext?: string | undefined;
}

export interface NextActionExample extends NextActionInput {
  action: string;
}

export interface RankedLabel {
  label: string;
  probability: number;
}

export interface NextActionModel {
  readonly actions: readonly string[];
  rank(input: NextActionInput): RankedLabel[];
}

export interface NextActionOptions {
  workflows?: readonly Workflow[];
  epochs?: number;
}

const tokenPattern = /<[\p{L}_]+>|[\p{L}\p{N}']+|[\u3400-\u9fff]/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(tokenPattern) ?? [];
}

function addNgrams(
  features: Map<string, number>,
  prefix: string,
  tokens: readonly string[],
  value: number,
): void {
  for (let i = 0; i < tokens.length; i++) {
    const unigram = `${prefix}:${tokens[i]}`;
    features.set(unigram, Math.max(features.get(unigram) ?? 0, value));
    if (i + 1 < tokens.length) {
      const bigram = `${prefix}:${tokens[i]}_${tokens[i + 1]}`;
      features.set(bigram, Math.max(features.get(bigram) ?? 0, value));
    }
  }
}

/** TF-IDF index of the workflows' texts: which written procedure does this conversation look like? */
class WorkflowIndex {
  private readonly idf = new Map<string, number>();
  private readonly vectors: Map<string, number>[];

  constructor(readonly workflows: readonly Workflow[]) {
    const documents = workflows.map((workflow) => tokenize(workflow.text));
    const documentFrequency = new Map<string, number>();
    for (const tokens of documents)
      for (const token of new Set(tokens))
        documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
    for (const [token, count] of documentFrequency)
      this.idf.set(token, Math.log((1 + workflows.length) / (1 + count)) + 1);
    this.vectors = documents.map((tokens) => this.vectorize(tokens));
  }

  private vectorize(tokens: readonly string[]): Map<string, number> {
    const vector = new Map<string, number>();
    for (const token of tokens) {
      const idf = this.idf.get(token);
      if (idf !== undefined) vector.set(token, (vector.get(token) ?? 0) + idf);
    }
    let norm = 0;
    for (const value of vector.values()) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    for (const [token, value] of vector) vector.set(token, value / norm);
    return vector;
  }

  /** Workflow indices, best match first, with cosine scores. */
  search(tokens: readonly string[], limit: number): Array<{ index: number; score: number }> {
    const query = this.vectorize(tokens);
    return this.vectors
      .map((vector, index) => {
        let score = 0;
        for (const [token, value] of query) score += value * (vector.get(token) ?? 0);
        return { index, score };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }
}

interface FeatureContext {
  index: WorkflowIndex | undefined;
  /** Workflow steps mapped to action labels (undefined where nothing matched). */
  stepLabels: Array<Array<string | undefined>>;
}

const RECENT_TOKENS = 30;
const NEW_TOKENS = 60;
const CROSS_TOKENS = 20;
const TOP_WORKFLOWS = 3;

function extractFeatures(input: NextActionInput, context: FeatureContext): FeatureBag {
  const features = new Map<string, number>();
  const tokens = tokenize(input.context);
  const previousLength =
    input.previousContext !== undefined && input.context.startsWith(input.previousContext)
      ? tokenize(input.previousContext).length
      : 0;
  const fresh = tokens.slice(previousLength);
  const nothingNew = input.previousActions.length > 0 && fresh.length === 0;

  addNgrams(features, 'recent', tokens.slice(-RECENT_TOKENS), 1);
  addNgrams(features, 'new', fresh.slice(-NEW_TOKENS), 1);
  // Words anywhere in the conversation say what it is about (which procedure applies).
  for (const token of new Set(tokens)) features.set(`all:${token}`, 1);
  // Delexicalised slots (<email>, <order_id>...) the customer gave since the last action.
  for (const token of fresh) if (token.startsWith('<')) features.set(`newslot:${token}`, 1);

  const history = input.previousActions;
  const last = history.at(-1) ?? '(start)';
  const beforeLast = history.at(-2) ?? '(start)';
  features.set(`prev:${last}`, 1);
  features.set(`prev2:${beforeLast}>${last}`, 1);
  features.set(`count:${Math.min(history.length, 6)}`, 1);
  for (const action of history) features.set(`done:${action}`, 1);
  // What was just said means different things at different points of the procedure.
  for (const token of new Set(fresh.slice(-CROSS_TOKENS)))
    features.set(`prev:${last}&new:${token}`, 1);
  features.set(`nothing-new:${nothingNew}`, 1);
  features.set(`nothing-new:${nothingNew}:prev:${last}`, 1);

  if (context.index) {
    const matches = context.index.search(tokens, TOP_WORKFLOWS);
    const done = new Set(history);
    matches.forEach((match, rank) => {
      const workflow = context.index!.workflows[match.index]!;
      const weight = rank === 0 ? 1 : 0.5;
      features.set(`workflow:${workflow.id}`, weight);
      features.set(
        `group:${workflow.group}`,
        Math.max(features.get(`group:${workflow.group}`) ?? 0, weight),
      );
      // The first written step not yet done is what the guideline says comes next.
      const labels = context.stepLabels[match.index] ?? [];
      const next = labels.find((label) => label !== undefined && !done.has(label));
      if (next) {
        features.set(
          `guideline-next:${next}`,
          Math.max(features.get(`guideline-next:${next}`) ?? 0, weight),
        );
        if (rank === 0) features.set(`guideline-next-top:${next}:prev:${last}`, 1);
      }
    });
  }
  return features;
}

export function trainNextActionModel(
  examples: readonly NextActionExample[],
  options: NextActionOptions = {},
): NextActionModel {
  const actions = [...new Set(examples.map((example) => example.action))].sort();
  const workflows = options.workflows ?? [];
  const context: FeatureContext = {
    index: workflows.length > 0 ? new WorkflowIndex(workflows) : undefined,
    stepLabels: workflows.map((workflow) =>
      workflow.steps.map((step) => matchStepToLabel(step, actions)),
    ),
  };
  const bags = examples.map((example) => extractFeatures(example, context));
  // Features seen once are mostly one conversation's particulars (names, amounts).
  const index = FeatureIndex.fit(bags, 2);
  const actionIndex = new Map(actions.map((action, i) => [action, i]));
  // AdaGrad: binary features of very different frequency; rare but telling ones (a guideline
  // step, an action pair) keep a large rate.
  const model = SoftmaxRegression.train(
    bags.map((bag, i) => ({
      sparse: index.transform(bag),
      label: actionIndex.get(examples[i]!.action)!,
    })),
    { sparseSize: index.size, classCount: actions.length },
    { optimizer: 'adagrad', epochs: options.epochs ?? 10, learningRate: 0.1, l2: 1e-6, seed: 7 },
  );
  return {
    actions,
    rank(input) {
      const probabilities = model.probabilities(index.transform(extractFeatures(input, context)));
      return actions
        .map((label, c) => ({ label, probability: probabilities[c]! }))
        .sort((a, b) => b.probability - a.probability);
    },
  };
}

/**
 * Links rows that continue the same conversation: row i follows row i-1 when i's context
 * extends (or equals) i-1's. Files of next-action samples list a conversation's samples in
 * order; nothing else about the file is assumed. Returns, per row, its predecessor or -1.
 */
export function linkConversationRows(contexts: readonly string[]): number[] {
  return contexts.map((context, i) => {
    if (i === 0) return -1;
    const previous = contexts[i - 1]!.trim();
    return previous.length > 0 && context.trim().startsWith(previous) ? i - 1 : -1;
  });
}

export interface DecodedStep {
  action: string;
  /** Every action for this step, best first, given the decoded history. */
  ranked: RankedLabel[];
}

export interface LabelledStep {
  context: string;
  action: string;
}

function goldExamples(conversation: readonly LabelledStep[]): NextActionExample[] {
  return conversation.map((step, i) => ({
    context: step.context,
    action: step.action,
    previousActions: conversation.slice(0, i).map((earlier) => earlier.action),
    previousContext: i > 0 ? conversation[i - 1]!.context : undefined,
  }));
}

/** Greedy decoding: each step's prediction is history for the next (what happens live). */
export function predictConversation(
  model: NextActionModel,
  contexts: readonly string[],
): DecodedStep[] {
  const steps: DecodedStep[] = [];
  contexts.forEach((context, i) => {
    const ranked = model.rank({
      context,
      previousActions: steps.map((step) => step.action),
      previousContext: i > 0 ? contexts[i - 1] : undefined,
    });
    steps.push({ action: ranked[0]!.label, ranked });
  });
  return steps;
}

/** Trains on whole conversations: each step's history is the actions the agent really took before it. */
export function trainNextActionModelOnConversations(
  conversations: readonly (readonly LabelledStep[])[],
  options: NextActionOptions = {},
): NextActionModel {
  return trainNextActionModel(conversations.flatMap(goldExamples), options);
}

/** Splits ordered rows into conversations with {@link linkConversationRows}. */
export function groupConversations<Row extends { context: string }>(rows: readonly Row[]): Row[][] {
  const conversations: Row[][] = [];
  linkConversationRows(rows.map((row) => row.context)).forEach((previous, i) => {
    if (previous < 0 || conversations.length === 0) conversations.push([rows[i]!]);
    else conversations.at(-1)!.push(rows[i]!);
  });
  return conversations;
}
