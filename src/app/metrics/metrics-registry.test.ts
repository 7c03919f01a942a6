import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics-registry.js';

describe('metrics registry', () => {
  it('renders cumulative histogram buckets, sum and count per label set', async () => {
    const registry = createMetricsRegistry();
    const seconds = registry.histogram('t_seconds', 'Time.', [0.1, 1]);
    seconds.observe({ stage: 'a' }, 0.05);
    seconds.observe({ stage: 'a' }, 0.5);
    seconds.observe({ stage: 'a' }, 3);
    expect(await registry.render()).toBe(
      [
        '# HELP t_seconds Time.',
        '# TYPE t_seconds histogram',
        't_seconds_bucket{stage="a",le="0.1"} 1',
        't_seconds_bucket{stage="a",le="1"} 2',
        't_seconds_bucket{stage="a",le="+Inf"} 3',
        't_seconds_sum{stage="a"} 3.55',
        't_seconds_count{stage="a"} 3',
        '',
      ].join('\n'),
    );
  });

  it('keeps one counter per label set whatever their order, and escapes label values', async () => {
    const registry = createMetricsRegistry();
    const total = registry.counter('c_total', 'Count.');
    total.inc({ a: '1', b: 'x"y\\z\nw' });
    total.inc({ b: 'x"y\\z\nw', a: '1' }, 2);
    expect(await registry.render()).toContain('c_total{a="1",b="x\\"y\\\\z\\nw"} 3\n');
  });

  it('leaves out a family whose collection fails, and reports it', async () => {
    const registry = createMetricsRegistry();
    registry.collected('broken', 'Fails.', 'gauge', () => {
      throw new Error('database down');
    });
    registry.collected('fine', 'Works.', 'gauge', () => [{ value: 2 }]);
    const failed: string[] = [];
    const text = await registry.render((name) => failed.push(name));
    expect(text).toBe('# HELP fine Works.\n# TYPE fine gauge\nfine 2\n');
    expect(failed).toEqual(['broken']);
    expect(() => registry.counter('fine', 'Again.')).toThrow(/registered twice/);
  });
});
