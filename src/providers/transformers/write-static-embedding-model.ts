import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Special tokens first: `[PAD]` is id 0 (so padding rows can be zero), `[UNK]` id 1. */
const specialTokens = ['[PAD]', '[UNK]'] as const;

/**
 * Test support: writes a tiny transformers.js model that needs no download, laid out as a hub
 * model is (`<modelsDir>/<modelId>/{config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx}`). No npm package ships real sentence-encoder weights, so tests of the
 * transformers path build this one: a static embedding table (one ONNX `Gather`) behind a
 * word-level tokenizer. The pipeline's own mean pooling over the attention mask and its
 * normalisation then give a bag-of-words sentence vector, so texts that share words are closer.
 */
export async function writeStaticEmbeddingModel(options: {
  modelsDir: string;
  modelId: string;
  words: readonly string[];
  dimensions: number;
}): Promise<string> {
  const { modelsDir, modelId, dimensions } = options;
  const vocabulary = wordLevelVocabulary(options.words);
  const dir = path.join(modelsDir, modelId);
  await mkdir(path.join(dir, 'onnx'), { recursive: true });

  // Deterministic pseudo-random rows (so that runs compare), zero for padding.
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const table = vocabulary.flatMap((_, row) =>
    Array.from({ length: dimensions }, () => (row === 0 ? 0 : random())),
  );

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'cuecard-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'static-embedding',
      initializer: [
        {
          name: 'embeddings',
          dims: [vocabulary.length, dimensions],
          dataType: onnx.TensorProto.DataType.FLOAT,
          floatData: table,
        },
      ],
      node: [
        {
          opType: 'Gather',
          input: ['embeddings', 'input_ids'],
          output: ['last_hidden_state'],
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
      ],
      input: [
        {
          name: 'input_ids',
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.INT64,
              shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] },
            },
          },
        },
      ],
      output: [
        {
          name: 'last_hidden_state',
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.FLOAT,
              shape: {
                dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: dimensions }],
              },
            },
          },
        },
      ],
    },
  });
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());

  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', hidden_size: dimensions }),
  );
  await writeWordLevelTokenizer(dir, vocabulary);
  return dir;
}

/** The tokenizer's vocabulary in id order: the special tokens, then each word once, lower-cased. */
export function wordLevelVocabulary(words: readonly string[]): string[] {
  return [...specialTokens, ...new Set(words.map((word) => word.toLowerCase()))];
}

/**
 * Test support: writes `tokenizer.json` and `tokenizer_config.json` for a word-level tokenizer
 * (lower-case, split on whitespace and punctuation, unknown words to `[UNK]`, no special tokens
 * added), the simplest tokenizer transformers.js loads. Shared by the test models of this folder.
 */
export async function writeWordLevelTokenizer(
  dir: string,
  vocabulary: readonly string[],
): Promise<void> {
  await writeFile(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'PreTrainedTokenizerFast',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      model_max_length: 512,
    }),
  );
  await writeFile(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specialTokens.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: {
        type: 'WordLevel',
        vocab: Object.fromEntries(vocabulary.map((word, id) => [word, id])),
        unk_token: '[UNK]',
      },
    }),
  );
}
