import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

// A full collection on demand, so that what loading the dictionary left behind can be read.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function arrayBufferMb(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().arrayBuffers / 2 ** 20;
}

describe('the jieba segmenter', () => {
  it('loads the bundled dictionary without keeping its files in memory', async () => {
    const before = await arrayBufferMb();
    // Imported only now: a loader that reads files at import is measured too.
    const { jiebaSegmenter } = await import('./jieba-segmenter.js');
    jiebaSegmenter.warmUp();
    // The package's own loader keeps 11 MB of file buffers for good.
    expect((await arrayBufferMb()) - before).toBeLessThan(2);
  });

  it('splits Mandarin into the words of the bundled dictionary', async () => {
    const { jiebaSegmenter } = await import('./jieba-segmenter.js');
    // As `@node-rs/jieba` splits them with its `dict.js` (recorded).
    expect(jiebaSegmenter.segment('我的账单多扣了一次钱')).toEqual([
      '我',
      '的',
      '账单',
      '多扣',
      '了',
      '一次',
      '钱',
    ]);
    expect(jiebaSegmenter.segment('宽带从昨晚开始断网，路由器灯一直闪红色')).toEqual([
      '宽带',
      '从',
      '昨晚',
      '开始',
      '断网',
      '，',
      '路由器',
      '灯',
      '一直',
      '闪',
      '红色',
    ]);
  });
});
