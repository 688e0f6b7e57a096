/**
 * Conditional accuracy and per-class FD measured with the shipped MNIST evaluator on cases whose answer is
 * known: real images of class k presented as "generated for class k" score the evaluator's own accuracy and
 * small per-class distances; the same images with shuffled class labels score chance (1/10) and large ones.
 * Plus when the conditional metrics are skipped, and the per-class reference images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, shuffledIndices } from '@ganforge/core';
import { loadDataset, MNIST_CLASSES } from '@ganforge/data';
import { conditionalSkipReason } from './conditional-metrics.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluationResult } from './evaluate.ts';
import { loadEvaluator } from './evaluator/session.ts';
import type { Evaluator } from './evaluator/session.ts';
import { classCounts } from './metrics/conditional.ts';
import { loadClassReference, loadReference } from './reference.ts';
import type { ClassReferenceSet } from './reference.ts';
import { balancedClasses } from './sampling/samples.ts';

const PER_CLASS = 100;
const SHAPE = { height: 28, width: 28, channels: 1 } as const;

describe('conditional metrics on real images (mnist evaluator, 100 per class)', () => {
  let evaluator: Evaluator;
  let realByClass: ClassReferenceSet;
  const results: Record<string, EvaluationResult> = {};

  beforeAll(async () => {
    evaluator = await loadEvaluator('mnist');
    const reference = await loadReference({ dataset: 'mnist', split: 'test', n: 10 * PER_CLASS, seed: 0 });
    realByClass = await loadClassReference({
      dataset: 'mnist',
      split: 'test',
      perClass: new Array<number>(10).fill(PER_CLASS),
      seed: 0,
    });
    // "generated" images: real training images, PER_CLASS of each class
    const train = await loadClassReference({
      dataset: 'mnist',
      split: 'train',
      perClass: new Array<number>(10).fill(PER_CLASS),
      seed: 1,
    });
    const order = shuffledIndices(train.n, createRng(5));
    const shuffled = Int32Array.from(order, (j) => train.labels[j] as number);
    const run = (labels: Int32Array, classNames: readonly string[] | undefined) =>
      evaluate({
        samples: train.images,
        imageShape: SHAPE,
        evaluator,
        reference,
        seed: 1,
        conditional: { classes: { numClasses: 10, classNames, labels }, reference: realByClass },
      });
    results.true = await run(train.labels, MNIST_CLASSES);
    results.shuffled = await run(shuffled, undefined);
    // Printed so a run of the suite shows the measured values.
    console.log(
      JSON.stringify(
        Object.fromEntries(
          Object.entries(results).map(([k, r]) => [
            k,
            {
              ...r.conditional,
              perClass: r.conditional?.perClass?.map((p) => [p.accuracy, p.frechetDistance]),
            },
          ]),
        ),
      ),
    );
  });
  afterAll(async () => {
    await evaluator.session.release();
  });

  it('real class-k images labelled k score the evaluator accuracy and small per-class distances', () => {
    const c = results.true!.conditional!;
    expect(c.skipped).toBeUndefined();
    expect(c.numClasses).toBe(10);
    expect(c.accuracy).toBeGreaterThan(0.95);
    expect(c.perClass).toHaveLength(10);
    for (const p of c.perClass!) {
      expect(p.accuracy).toBeGreaterThan(0.9);
      expect(p.samples).toBe(PER_CLASS);
      expect(p.referenceSamples).toBe(PER_CLASS);
      expect(p.name).toBe(String(p.class));
    }
    const mean = c.perClass!.reduce((a, p) => a + p.accuracy, 0) / 10;
    expect(c.accuracy).toBeCloseTo(mean, 12);
    expect(c.meanFrechetDistance).toBeCloseTo(c.perClass!.reduce((a, p) => a + p.frechetDistance, 0) / 10, 8);
    expect(results.true!.protocol.conditioning).toEqual({ classes: 10, draw: 'balanced' });
  });

  it('the same images with shuffled class labels score chance accuracy and far larger per-class distances', () => {
    const t = results.true!.conditional!;
    const s = results.shuffled!.conditional!;
    expect(s.accuracy).toBeGreaterThan(0.03);
    expect(s.accuracy).toBeLessThan(0.2);
    expect(s.meanFrechetDistance).toBeGreaterThan(10 * t.meanFrechetDistance!);
    for (let k = 0; k < 10; k++) {
      expect(s.perClass![k]!.frechetDistance).toBeGreaterThan(t.perClass![k]!.frechetDistance);
    }
    // the unconditional metrics do not look at the labels
    expect(results.shuffled!.metrics).toEqual(results.true!.metrics);
    // without recorded class names the evaluator's are used
    expect(s.perClass!.map((p) => p.name)).toEqual([...evaluator.card.dataset.classNames]);
  });

  it('without per-class reference images the conditional section says why it was skipped', async () => {
    const samples = realByClass.images.subarray(0, 20 * 784);
    const r = await evaluate({
      samples,
      imageShape: SHAPE,
      evaluator,
      reference: realByClass,
      seed: 0,
      conditional: {
        classes: { numClasses: 10, classNames: MNIST_CLASSES, labels: balancedClasses(20, 10) },
        skipped: 'a reason',
      },
    });
    expect(r.conditional).toEqual({ numClasses: 10, classDraw: 'balanced', skipped: 'a reason' });
  });
});

describe('conditionalSkipReason', () => {
  it("measures only a generator of the evaluator's classes with 2 samples per class or more", async () => {
    const evaluators = [await loadEvaluator('mnist'), await loadEvaluator('fashion-mnist')];
    const [mnist, fashion] = evaluators.map((e) => e.card) as [Evaluator['card'], Evaluator['card']];
    for (const e of evaluators) await e.session.release();
    const classes = (numClasses: number, classNames: readonly string[] | undefined, n = 100) => ({
      numClasses,
      classNames,
      labels: balancedClasses(n, numClasses),
    });
    expect(conditionalSkipReason(classes(10, MNIST_CLASSES), mnist, 'mnist')).toBeUndefined();
    expect(conditionalSkipReason(classes(10, undefined), mnist, 'mnist')).toBeUndefined();
    expect(conditionalSkipReason(classes(10, fashion.dataset.classNames), fashion, 'idx:x')).toBeUndefined();
    expect(conditionalSkipReason(classes(5, undefined), mnist, 'mnist')).toBe(
      "the generator has 5 classes; evaluator 'mnist' classifies 10",
    );
    expect(conditionalSkipReason(classes(10, MNIST_CLASSES), fashion, 'mnist')).toBe(
      "the generator's classes (0, 1, 2, ...) are not those of evaluator 'fashion-mnist' (T-shirt/top, Trouser, Pullover, ...)",
    );
    expect(conditionalSkipReason(classes(10, undefined), mnist, 'fashion-mnist')).toBe(
      "the generator records no class names and was trained on 'fashion-mnist', not on evaluator 'mnist''s 'mnist'",
    );
    expect(conditionalSkipReason(classes(10, MNIST_CLASSES, 15), mnist, 'mnist')).toBe(
      '15 samples give 1 per class; per-class FD needs --n 20 or more',
    );
  });
});

describe('loadClassReference', () => {
  it('takes the first images of each class in the seeded order, all of them when the split has fewer', async () => {
    const a = await loadClassReference({
      dataset: 'mnist',
      split: 'test',
      perClass: [3, 0, 1, 0, 0, 0, 0, 0, 0, 2],
      seed: 4,
    });
    expect(Array.from(a.labels)).toEqual([0, 0, 0, 2, 9, 9]);
    expect(a.perClass).toEqual([3, 0, 1, 0, 0, 0, 0, 0, 0, 2]);
    expect(a.images.length).toBe(6 * 784);
    const b = await loadClassReference({
      dataset: 'mnist',
      split: 'test',
      perClass: [3, 0, 1, 0, 0, 0, 0, 0, 0, 2],
      seed: 4,
    });
    expect(b.images).toEqual(a.images);
    const all = await loadClassReference({
      dataset: 'mnist',
      split: 'test',
      perClass: new Array<number>(10).fill(5000),
      seed: 0,
    });
    const test = await loadDataset({ kind: 'mnist', split: 'test' });
    expect(all.perClass).toEqual(classCounts(test.labels!, 10));
    expect(all.n).toBe(10_000);
  });
});
