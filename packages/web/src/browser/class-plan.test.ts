import { describe, expect, it } from 'vitest';
import { errorOf as thrown } from '@ganforge/core/testing';
import { FASHION_MNIST_CLASSES } from '@ganforge/data';
import { describeClasses, planBatch, resolveLabel, type BatchRequest } from './class-plan.ts';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION = FASHION_MNIST_CLASSES;

/** A request for `count` latents of size 2 (latent i is [i, -i]). */
function request(over: Partial<BatchRequest> & { count: number }): BatchRequest {
  const z = Float32Array.from({ length: over.count * 2 }, (_, i) => (i % 2 ? -1 : 1) * Math.floor(i / 2));
  return {
    model: 'm',
    classes: DIGITS,
    label: undefined,
    layout: 'grid',
    labels: undefined,
    z,
    columns: undefined,
    source: 'n',
    ...over,
  };
}

describe('class labels', () => {
  it('a label is a class name as written, else a whole-number index; names come first', () => {
    expect(resolveLabel('Ankle boot', FASHION, 'f')).toBe(9);
    expect(resolveLabel('3', FASHION, 'f')).toBe(3);
    expect(resolveLabel(' 3 ', FASHION, 'f')).toBe(3);
    expect(resolveLabel(0, FASHION, 'f')).toBe(0);
    expect(resolveLabel('1', ['1', '0'], 'f')).toBe(0); // the class named "1"
    expect(resolveLabel('001', ['001', '002'], 'f')).toBe(0);
    expect(resolveLabel('1', ['001', '002'], 'f')).toBe(1);
  });

  it('refuses an id outside [0, K), a negative, a fraction or an unknown name, naming the classes', () => {
    for (const bad of [10, -1, 2.5, '10', '-1', '1e0', '0x1', 'seven', '', Number.NaN]) {
      const e = thrown(() => resolveLabel(bad, DIGITS, 'cmnist'));
      expect(e.code).toBe('unknown_class');
      expect(e.message).toMatch(/is not a class of model “cmnist”: its classes are 0 “0”, 1 “1”, .* 9 “9”$/);
      expect(e.hint).toBe('use a class index from 0 to 9 or one of the class names');
    }
    expect(thrown(() => resolveLabel('boot', FASHION, 'f')).message).toMatch(/^“boot” is not a class/);
    const many = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    expect(describeClasses(many)).toMatch(/^0 “c0”, .*, 19 “c19”, … \(1000 classes\)$/);
  });
});

describe('planBatch', () => {
  it('an unconditional model: the latents as they are, no classes; any class asked for is an error', () => {
    const r = request({ count: 3, classes: undefined, columns: 2 });
    expect(planBatch(r)).toEqual({ z: r.z, n: 3, classes: null, columns: 2 });
    for (const over of [{ label: '7' }, { labels: [1, 2, 3] }, { layout: 'per-class' as const }]) {
      const e = thrown(() => planBatch({ ...r, ...over }));
      expect(e.code).toBe('not_conditional');
      expect(e.message).toMatch(/but model “m” is not class-conditional$/);
    }
  });

  it('a conditional grid: classes cycle without a label; a label draws every sample as it; labels one each', () => {
    expect(planBatch(request({ count: 12 })).classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(planBatch(request({ count: 3, label: '7' })).classes).toEqual([7, 7, 7]);
    expect(planBatch(request({ count: 3, classes: FASHION, labels: [9, 'Bag', '0'] })).classes).toEqual([
      9, 8, 0,
    ]);
    const e = thrown(() => planBatch(request({ count: 3, labels: [1, 2] })));
    expect([e.code, e.message]).toEqual(['bad_labels', '2 labels were passed for 3 samples (n="3")']);
    expect(e.hint).toMatch(/pass one class per sample \(3\), or none; classes: 0 “0”/);
    expect(thrown(() => planBatch(request({ count: 2, labels: [1, 12] }))).code).toBe('unknown_class');
    expect(thrown(() => planBatch(request({ count: 2, label: 'x' }))).code).toBe('unknown_class');
  });

  it('per-class: one row per class, the same latent down each column', () => {
    const r = request({ count: 3, classes: ['a', 'b'], layout: 'per-class', columns: 7 });
    const plan = planBatch(r);
    expect(plan.n).toBe(6);
    expect(plan.columns).toBe(3);
    expect(plan.classes).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(plan.z)).toEqual([0, -0, 1, -1, 2, -2, 0, -0, 1, -1, 2, -2]);

    expect(thrown(() => planBatch({ ...r, label: 'a' })).code).toBe('bad_attribute');
    expect(thrown(() => planBatch({ ...r, labels: [0, 1, 0] })).code).toBe('bad_attribute');
    const big = thrown(() => planBatch(request({ count: 26, layout: 'per-class', maxSamples: 256 })));
    expect(big.message).toBe('layout="per-class" draws 10 classes x 26 latents = 260 samples, more than 256');
    expect(big.hint).toMatch(/set n to at most 25/);
    expect(planBatch(request({ count: 26, layout: 'per-class' })).n).toBe(260); // setLatents: no cap
  });
});
