import { describe, expect, test } from 'vitest';
import { TrainConfigSchema } from '../config/schema.ts';
import { remediesFor } from './remedies.ts';
import { planRescue } from './rescue.ts';
import type { FailureEvent } from './types.ts';

const event = (detector: FailureEvent['detector'], step = 400, onsetStep = 350): FailureEvent => ({
  step,
  onsetStep,
  detector,
  severity: 'critical',
  message: 'test',
  evidence: {},
  remedies: remediesFor(detector),
});

/** The real training config with its defaults (every technique off). */
const defaults = TrainConfigSchema.parse({});
const base = { config: defaults, checkpointSteps: [100, 200, 300, 400], rescuesSoFar: 0, maxRescues: 3 };

describe('planRescue', () => {
  test('warn continues, stop stops', () => {
    expect(planRescue({ ...base, event: event('discriminatorOverpowering'), mode: 'warn' }).action).toBe(
      'continue',
    );
    expect(planRescue({ ...base, event: event('discriminatorOverpowering'), mode: 'stop' }).action).toBe(
      'stop',
    );
  });

  test('rescue rolls back to the newest checkpoint before the onset and turns on the first remedy', () => {
    const d = planRescue({ ...base, event: event('discriminatorOverpowering'), mode: 'rescue' });
    expect(d).toMatchObject({
      action: 'rescue',
      rollbackToStep: 300,
      changes: [{ path: 'techniques.instanceNoise.enabled', value: true }],
      remedy: { technique: 'techniques.instanceNoise', source: 'docs/techniques.md#instance-noise' },
    });
    expect(d.message).toMatch(/step 300.*techniques\.instanceNoise\.enabled=true/);
  });

  test('skips remedies already on: instance noise on -> label smoothing', () => {
    const config = structuredClone(defaults);
    config.techniques.instanceNoise.enabled = true;
    const d = planRescue({ ...base, config, event: event('discriminatorOverpowering'), mode: 'rescue' });
    expect(d.action === 'rescue' && d.changes).toEqual([
      { path: 'techniques.labels.oneSidedSmoothing', value: true },
    ]);
  });

  test('never proposes an architecture change (it would not fit the checkpoint)', () => {
    const config = structuredClone(defaults);
    config.techniques.momentMatching.enabled = true;
    const d = planRescue({ ...base, config, event: event('modeCollapse'), mode: 'rescue' });
    // discriminator.minibatch comes first in the advice but changes D: the rescue picks label flipping
    expect(d.action === 'rescue' && d.changes).toEqual([
      { path: 'techniques.labels.flipProbability', value: 0.05 },
    ]);
    config.techniques.labels.flipProbability = 0.1;
    const none = planRescue({ ...base, config, event: event('modeCollapse'), mode: 'rescue' });
    expect(none.action).toBe('stop');
    expect(none.message).toMatch(/already on/);
  });

  test('learning-rate remedies halve the current rate', () => {
    const d = planRescue({ ...base, event: event('explodingGradients'), mode: 'rescue' });
    expect(d.action === 'rescue' && d.changes).toEqual([
      { path: 'optimizers.g.lr', value: defaults.optimizers.g.lr / 2 },
      { path: 'optimizers.d.lr', value: defaults.optimizers.d.lr / 2 },
    ]);
  });

  test('no checkpoint before the onset -> start over (step 0); budget spent -> stop', () => {
    const early = planRescue({ ...base, event: event('oscillation', 120, 90), mode: 'rescue' });
    expect(early.action === 'rescue' && early.rollbackToStep).toBe(0);
    expect(early.message).toMatch(/initial weights/);
    const spent = planRescue({ ...base, rescuesSoFar: 3, event: event('oscillation'), mode: 'rescue' });
    expect(spent).toMatchObject({ action: 'stop' });
    expect(spent.message).toMatch(/maxRescues = 3/);
  });

  test('every rescuable remedy names a real config field of the training config', () => {
    for (const detector of [
      'discriminatorOverpowering',
      'modeCollapse',
      'oscillation',
      'explodingGradients',
      'nonFinite',
    ] as const) {
      let config: unknown = defaults;
      // apply remedies one after another, as repeated rescues would; each change must parse
      for (let i = 0; i < 6; i++) {
        const d = planRescue({ ...base, config, rescuesSoFar: 0, event: event(detector), mode: 'rescue' });
        if (d.action !== 'rescue') break;
        const next = structuredClone(config) as Record<string, unknown>;
        for (const c of d.changes) {
          const keys = c.path.split('.');
          let node = next;
          for (const k of keys.slice(0, -1)) {
            expect(node[k], `${c.path}`).toBeTypeOf('object');
            node = node[k] as Record<string, unknown>;
          }
          expect(node, c.path).toHaveProperty(keys[keys.length - 1] as string);
          node[keys[keys.length - 1] as string] = c.value;
        }
        config = TrainConfigSchema.parse(next);
      }
    }
  });
});
