import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { wordLevelVocabulary, writeWordLevelTokenizer } from './write-static-embedding-model.js';

const { onnx } = onnxProto;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const { INT } = onnx.AttributeProto.AttributeType;

/**
 * Test support: writes a tiny transformers.js text-classification model that needs no download,
 * laid out as a hub model is (`<modelsDir>/<modelId>/{config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx}`), with `id2label` in its config as a fine-tuned hub
 * model has. No npm package ships sentiment-model weights, so tests of the transformers
 * classifier build this one.
 *
 * The graph is a bag of words: each word's row in the embedding table is its vote per label
 * (`cues`; other words get small deterministic noise), the rows are averaged over the attention
 * mask (so padding inside a batch changes nothing), and a linear head (identity weights plus a
 * small bias) gives `logits`, which the pipeline turns into probabilities. A text with a
 * positive cue word therefore comes out positive.
 */
export async function writeSequenceClassificationModel(options: {
  modelsDir: string;
  modelId: string;
  /** Label names in id order (`id2label`). */
  labels: readonly string[];
  /** Vocabulary; words not listed become `[UNK]`. */
  words: readonly string[];
  /** Per-word logit votes, one number per label, e.g. `{ great: [-3, 3] }`. */
  cues: Readonly<Record<string, readonly number[]>>;
}): Promise<string> {
  const { modelsDir, modelId, labels } = options;
  const width = labels.length;
  const vocabulary = wordLevelVocabulary([...options.words, ...Object.keys(options.cues)]);
  const cues = new Map(
    Object.entries(options.cues).map(([word, votes]) => {
      if (votes.length !== width) {
        throw new Error(`cue "${word}" has ${votes.length} votes for ${width} labels`);
      }
      return [word.toLowerCase(), votes];
    }),
  );
  const dir = path.join(modelsDir, modelId);
  await mkdir(path.join(dir, 'onnx'), { recursive: true });

  // Deterministic noise (so that runs compare), zero for padding.
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 0.5;
  };
  const table = vocabulary.flatMap((word, row) =>
    Array.from({ length: width }, (_, column) => {
      if (row === 0) return 0;
      return cues.get(word)?.[column] ?? noise();
    }),
  );
  const identity = Array.from({ length: width * width }, (_, i) => (i % (width + 1) === 0 ? 1 : 0));
  const bias = Array.from({ length: width }, (_, i) => 0.05 * (i - (width - 1) / 2));

  const floats = (name: string, dims: number[], floatData: number[]) => ({
    name,
    dims,
    dataType: FLOAT,
    floatData,
  });
  const ints = (name: string, int64Data: number[]) => ({
    name,
    dims: [int64Data.length],
    dataType: INT64,
    int64Data,
  });
  const tensorType = (
    elemType: number,
    dim: Array<{ dimParam: string } | { dimValue: number }>,
  ) => ({
    tensorType: { elemType, shape: { dim } },
  });

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'cuecard-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'bag-of-words-classifier',
      initializer: [
        floats('embeddings', [vocabulary.length, width], table),
        floats('head_weight', [width, width], identity),
        floats('head_bias', [width], bias),
        // An empty text has no token: dividing by at least 1 keeps its logits finite (= bias).
        floats('one', [1], [1]),
        ints('sequence_axis', [1]),
        ints('feature_axis', [2]),
      ],
      node: [
        { opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['tokens'] },
        {
          opType: 'Cast',
          input: ['attention_mask'],
          output: ['mask'],
          attribute: [{ name: 'to', type: INT, i: FLOAT }],
        },
        { opType: 'Unsqueeze', input: ['mask', 'feature_axis'], output: ['mask_3d'] },
        { opType: 'Mul', input: ['tokens', 'mask_3d'], output: ['masked'] },
        {
          opType: 'ReduceSum',
          input: ['masked', 'sequence_axis'],
          output: ['summed'],
          attribute: [{ name: 'keepdims', type: INT, i: 0 }],
        },
        {
          opType: 'ReduceSum',
          input: ['mask', 'sequence_axis'],
          output: ['count'],
          attribute: [{ name: 'keepdims', type: INT, i: 1 }],
        },
        { opType: 'Max', input: ['count', 'one'], output: ['count_at_least_one'] },
        { opType: 'Div', input: ['summed', 'count_at_least_one'], output: ['pooled'] },
        { opType: 'MatMul', input: ['pooled', 'head_weight'], output: ['scores'] },
        { opType: 'Add', input: ['scores', 'head_bias'], output: ['logits'] },
      ],
      input: [
        {
          name: 'input_ids',
          type: tensorType(INT64, [{ dimParam: 'batch' }, { dimParam: 'sequence' }]),
        },
        {
          name: 'attention_mask',
          type: tensorType(INT64, [{ dimParam: 'batch' }, { dimParam: 'sequence' }]),
        },
      ],
      output: [
        { name: 'logits', type: tensorType(FLOAT, [{ dimParam: 'batch' }, { dimValue: width }]) },
      ],
    },
  });
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());

  // `bert` maps to BertForSequenceClassification in transformers.js; it feeds the graph only the
  // inputs it declares (no token_type_ids here).
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      hidden_size: width,
      problem_type: 'single_label_classification',
      id2label: Object.fromEntries(labels.map((label, id) => [String(id), label])),
      label2id: Object.fromEntries(labels.map((label, id) => [label, id])),
    }),
  );
  await writeWordLevelTokenizer(dir, vocabulary);
  return dir;
}
