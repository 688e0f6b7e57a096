import { describe, expect, test } from 'vitest';
import { errorOf } from '@ganforge/core/testing';
import { TechniquesConfigSchema } from '../config/schema.ts';
import { TECHNIQUES } from './registry.ts';
import { initTechniqueStates, restoreTechniqueStates, updateTechniqueStates } from './technique-states.ts';

const config = (input: unknown = {}) => TechniquesConfigSchema.parse(input);
const on = config({ adaptiveL2: { enabled: true, initial: 0.5, upper: 1, lower: 0.5, delta: 0.1 } });

describe('technique units', () => {
  test('the techniques config section is the units, in their order, each with its own defaults', () => {
    expect(Object.keys(config())).toEqual(TECHNIQUES.map((t) => t.name));
    for (const t of TECHNIQUES) expect(config()[t.name]).toEqual(t.schema.parse(undefined));
  });

  test('state by technique name: init from the config, update from what the step observed', () => {
    expect(initTechniqueStates(config())).toEqual({ adaptiveL2: { l2: 0 } });
    const start = initTechniqueStates(on);
    expect(start).toEqual({ adaptiveL2: { l2: 0.5 } });
    expect(updateTechniqueStates(start, { gAdversarialLoss: 2 }, on).adaptiveL2.l2).toBeCloseTo(0.6, 12);
    expect(updateTechniqueStates(start, { gAdversarialLoss: 0.1 }, on).adaptiveL2.l2).toBeCloseTo(0.4, 12);
    // G not trained this step, or a non-finite loss: unchanged; off: unchanged whatever G did
    expect(updateTechniqueStates(start, { gAdversarialLoss: undefined }, on)).toEqual(start);
    expect(updateTechniqueStates(start, { gAdversarialLoss: Number.NaN }, on)).toEqual(start);
    expect(updateTechniqueStates(start, { gAdversarialLoss: 2 }, config())).toEqual(start);
  });

  test('a checkpoint is read back by technique name; an older one with adaptive L2 alone as { l2 } too', () => {
    const file = 'ckpt/state.json';
    expect(restoreTechniqueStates({ adaptiveL2: { l2: 0.25 } }, on, file)).toEqual({
      adaptiveL2: { l2: 0.25 },
    });
    expect(restoreTechniqueStates({ l2: 0.25 }, on, file)).toEqual({ adaptiveL2: { l2: 0.25 } });
    // a technique the checkpoint has no state for starts from its init
    expect(restoreTechniqueStates({}, on, file)).toEqual({ adaptiveL2: { l2: 0.5 } });
    expect(restoreTechniqueStates(undefined, on, file)).toEqual({ adaptiveL2: { l2: 0.5 } });
  });

  test('a damaged state is a bad_checkpoint error naming the field', () => {
    const e = errorOf(() => restoreTechniqueStates({ adaptiveL2: { l2: -1 } }, on, 'ckpt/state.json'));
    expect(e.code).toBe('bad_checkpoint');
    expect(e.message).toMatch(/^ckpt\/state\.json: field 'controller\.adaptiveL2\.l2' /);
    expect(errorOf(() => restoreTechniqueStates([1], on, 'ckpt/state.json')).code).toBe('bad_checkpoint');
  });
});
