/**
 * A small Prometheus text exposition (format 0.0.4): counters and histograms updated in place,
 * gauges and counters read from their owner at scrape time. In-house rather than prom-client:
 * the handful of series Cuecard exports does not need a dependency, and the scrape stays one
 * function call with no global default registry.
 */
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels?: Labels;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): Promise<string[]>;
}

/** Seconds: from a fast rule analyzer (1 ms) to a slow LLM finalizer (30 s). */
export const latencyBuckets = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels | undefined, extra?: readonly [string, string]): string {
  const pairs = Object.entries(labels ?? {});
  if (extra) pairs.push([extra[0], extra[1]]);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

const formatValue = (value: number) =>
  Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';

/** One key per label set, stable whatever order the caller wrote the labels in. */
const keyOf = (labels: Labels | undefined) =>
  JSON.stringify(Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b)));

export function createMetricsRegistry() {
  const families: Family[] = [];
  const add = (family: Family) => {
    if (families.some((known) => known.name === family.name))
      throw new Error(`metric ${family.name} registered twice`);
    families.push(family);
  };

  return {
    counter(name: string, help: string) {
      const values = new Map<string, { labels: Labels | undefined; value: number }>();
      add({
        name,
        help,
        type: 'counter',
        render: async () =>
          [...values.values()].map(
            ({ labels, value }) => `${name}${labelText(labels)} ${formatValue(value)}`,
          ),
      });
      return {
        inc(labels?: Labels, by = 1): void {
          const key = keyOf(labels);
          const entry = values.get(key) ?? { labels, value: 0 };
          entry.value += by;
          values.set(key, entry);
        },
      };
    },

    histogram(name: string, help: string, buckets: readonly number[] = latencyBuckets) {
      const series = new Map<
        string,
        { labels: Labels | undefined; counts: number[]; sum: number; count: number }
      >();
      add({
        name,
        help,
        type: 'histogram',
        render: async () =>
          [...series.values()].flatMap(({ labels, counts, sum, count }) => [
            ...buckets.map(
              (bound, index) =>
                `${name}_bucket${labelText(labels, ['le', formatValue(bound)])} ${counts[index]}`,
            ),
            `${name}_bucket${labelText(labels, ['le', '+Inf'])} ${count}`,
            `${name}_sum${labelText(labels)} ${formatValue(sum)}`,
            `${name}_count${labelText(labels)} ${count}`,
          ]),
      });
      return {
        observe(labels: Labels | undefined, value: number): void {
          const key = keyOf(labels);
          let entry = series.get(key);
          if (!entry) {
            entry = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
            series.set(key, entry);
          }
          // Cumulative buckets: a value counts in every bucket whose bound it does not exceed.
          buckets.forEach((bound, index) => {
            if (value <= bound) entry.counts[index]! += 1;
          });
          entry.sum += value;
          entry.count += 1;
        },
      };
    },

    /** A value its owner keeps (a queue's depth, a pool's use, a counter kept elsewhere). */
    collected(
      name: string,
      help: string,
      type: 'gauge' | 'counter',
      collect: () => Promise<readonly Sample[]> | readonly Sample[],
    ): void {
      add({
        name,
        help,
        type,
        render: async () =>
          (await collect()).map(
            (sample) => `${name}${labelText(sample.labels)} ${formatValue(sample.value)}`,
          ),
      });
    },

    /** The exposition text. A family whose collection fails is left out, not the whole scrape. */
    async render(onError?: (name: string, error: unknown) => void): Promise<string> {
      const blocks = await Promise.all(
        families.map(async (family) => {
          let lines: string[];
          try {
            lines = await family.render();
          } catch (error) {
            onError?.(family.name, error);
            return '';
          }
          const help = family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
          return [`# HELP ${family.name} ${help}`, `# TYPE ${family.name} ${family.type}`, ...lines]
            .map((line) => `${line}\n`)
            .join('');
        }),
      );
      return blocks.join('');
    },
  };
}

export type MetricsRegistry = ReturnType<typeof createMetricsRegistry>;
