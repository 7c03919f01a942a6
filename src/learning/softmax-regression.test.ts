import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random.js';
import {
  SoftmaxRegression,
  balancedClassWeights,
  type SoftmaxSample,
} from './softmax-regression.js';
import { FeatureIndex } from './sparse-vector.js';

/** Three topics, each with its own marker words, plus shared noise words. */
function topicSamples(n: number, seed: number): { bags: Map<string, number>[]; labels: number[] } {
  const random = mulberry32(seed);
  const bags: Map<string, number>[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    const bag = new Map<string, number>();
    bag.set(`marker${label}-${Math.floor(random() * 3)}`, 1);
    for (let k = 0; k < 4; k++) bag.set(`noise${Math.floor(random() * 20)}`, 1);
    bags.push(bag);
    labels.push(label);
  }
  return { bags, labels };
}

describe('SoftmaxRegression', () => {
  const train = topicSamples(300, 1);
  const test = topicSamples(90, 2);
  const index = FeatureIndex.fit(train.bags);
  const samples: SoftmaxSample[] = train.bags.map((bag, i) => ({
    sparse: index.transform(bag),
    label: train.labels[i]!,
  }));
  const accuracy = (model: SoftmaxRegression) =>
    test.bags.filter((bag, i) => {
      const p = model.probabilities(index.transform(bag));
      return p.indexOf(Math.max(...p)) === test.labels[i];
    }).length / test.bags.length;

  it.each(['sgd', 'adagrad'] as const)(
    'learns topics from sparse features with %s',
    (optimizer) => {
      const model = SoftmaxRegression.train(
        samples,
        { sparseSize: index.size, classCount: 3 },
        { optimizer, learningRate: optimizer === 'sgd' ? 0.5 : 0.1 },
      );
      expect(accuracy(model)).toBe(1);
      const p = model.probabilities(index.transform(test.bags[0]!));
      expect(p.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 10);
    },
  );

  it('gives the same model for the same data and seed', () => {
    const shape = { sparseSize: index.size, classCount: 3 };
    const a = SoftmaxRegression.train(samples, shape, { seed: 3 });
    const b = SoftmaxRegression.train(samples, shape, { seed: 3 });
    const x = index.transform(test.bags[5]!);
    expect(a.scores(x)).toEqual(b.scores(x));
  });

  it('uses dense features and sample weights', () => {
    // One dense feature decides the class; a heavily weighted contradicting sample pulls the bias.
    const dense = (value: number) => Float32Array.of(value);
    const empty = { indices: new Int32Array(0), values: new Float32Array(0) };
    const data: SoftmaxSample[] = Array.from({ length: 40 }, (_, i) => ({
      sparse: empty,
      dense: dense(i % 2 === 0 ? 1 : -1),
      label: i % 2,
    }));
    const shape = { sparseSize: 0, denseSize: 1, classCount: 2 };
    const model = SoftmaxRegression.train(data, shape, { epochs: 20 });
    expect(model.probabilities(empty, dense(1))[0]).toBeGreaterThan(0.9);
    expect(model.probabilities(empty, dense(-1))[1]).toBeGreaterThan(0.9);
    const weighted = SoftmaxRegression.train(
      [...data, { sparse: empty, dense: dense(0), label: 1, weight: 30 }],
      shape,
      { epochs: 20 },
    );
    expect(weighted.probabilities(empty, dense(0))[1]).toBeGreaterThan(
      model.probabilities(empty, dense(0))[1]!,
    );
  });

  it('saves to parameters and loads back unchanged, in single precision when asked', () => {
    const shape = { sparseSize: index.size, classCount: 3 };
    const x = index.transform(test.bags[7]!);
    for (const optimizer of ['sgd', 'adagrad'] as const) {
      const model = SoftmaxRegression.train(samples, shape, {
        optimizer,
        sparseStorage: 'float32',
        biasStorage: 'float32',
      });
      const parameters = model.toParameters();
      expect(parameters.sparseWeights).toBeInstanceOf(Float32Array);
      expect(parameters.bias).toBeInstanceOf(Float32Array);
      const restored = SoftmaxRegression.fromParameters({
        ...parameters,
        sparseWeights: parameters.sparseWeights.slice(),
      });
      expect(restored.scores(x)).toEqual(model.scores(x));
      const double = SoftmaxRegression.train(samples, shape, { optimizer });
      expect(double.toParameters().sparseWeights).toBeInstanceOf(Float64Array);
      const [a, b] = [model.probabilities(x), double.probabilities(x)];
      for (let c = 0; c < 3; c++) expect(a[c]).toBeCloseTo(b[c]!, 4);
    }
    const parameters = SoftmaxRegression.train(samples, shape).toParameters();
    expect(() =>
      SoftmaxRegression.fromParameters({ ...parameters, bias: new Float64Array(2) }),
    ).toThrow(RangeError);
  });
});

describe('balancedClassWeights', () => {
  it('weighs each class inversely to its frequency, so that every class weighs the same', () => {
    const weights = balancedClassWeights([0, 0, 0, 1, 2, 2], 4);
    expect(weights).toEqual([6 / 12, 6 / 4, 6 / 8, 1]);
  });
});
