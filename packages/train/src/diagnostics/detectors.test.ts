import { createRng } from '@ganforge/core';
import { describe, expect, test } from 'vitest';
import { diagnosticsConfig, type DiagnosticsConfig } from './config.ts';
import { createDiagnostics } from './monitor.ts';
import {
  explodingStream,
  healthyStep,
  healthyStream,
  imageBatch,
  oscillatingStream,
  overpoweringStream,
} from '../testing/synthetic.ts';
import type { DiagnosticExtras, DiagnosticMetrics, FailureEvent } from './types.ts';

function run(
  stream: readonly DiagnosticMetrics[],
  config: DiagnosticsConfig = diagnosticsConfig(),
  extrasAt: (step: number) => DiagnosticExtras | undefined = () => undefined,
): FailureEvent[] {
  const diagnostics = createDiagnostics(config);
  return stream.flatMap((m) => diagnostics.observe(m, extrasAt(m.step)));
}

/** Every 50 steps: G(fixed z) as 16 diverse images and a real-data diversity scale. */
function diverseSamples(seed: number): (step: number) => DiagnosticExtras | undefined {
  const rng = createRng(seed);
  const real = imageBatch(createRng(seed + 1), 16, 64, 'diverse');
  let first = true;
  return (step) => {
    if (step % 50 !== 0) return undefined;
    const extras: DiagnosticExtras = {
      samples: { data: imageBatch(rng, 16, 64, 'diverse'), n: 16 },
      ...(first ? { realDiversity: undefined } : {}),
    };
    if (first) {
      first = false;
      return { ...extras, realDiversity: meanDistance(real) };
    }
    return extras;
  };
}

function meanDistance(batch: Float32Array): number {
  // the real scale as the loop would measure it
  let s = 0;
  let pairs = 0;
  const dim = 64;
  for (let i = 0; i < 16; i++) {
    for (let j = i + 1; j < 16; j++) {
      let d = 0;
      for (let k = 0; k < dim; k++)
        d += ((batch[i * dim + k] as number) - (batch[j * dim + k] as number)) ** 2;
      s += Math.sqrt(d);
      pairs += 1;
    }
  }
  return s / pairs;
}

describe('a healthy run', () => {
  test('noisy but balanced losses, gradients and diverse samples trip no detector in 3000 steps', () => {
    for (const seed of [1, 7, 11]) {
      const events = run(healthyStream(3000, seed), diagnosticsConfig(), diverseSamples(seed));
      expect(events).toEqual([]);
    }
  });
});

describe('discriminator overpowering', () => {
  test('D loss -> 0.001, D(G(z)) -> 0.001, G gradient -> 1e-6 trips it within window + decay steps', () => {
    const onset = 300;
    const events = run(overpoweringStream(1000, { onset, decay: 20 }));
    expect(events.map((e) => e.detector)).toEqual(['discriminatorOverpowering']);
    const e = events[0] as FailureEvent;
    // window 50 at 90%: it needs ~45 saturated steps after the ~20-step decay
    expect(e.step).toBeGreaterThan(onset);
    expect(e.step).toBeLessThanOrEqual(onset + 20 + 50);
    expect(e.severity).toBe('critical');
    expect(e.onsetStep).toBeGreaterThanOrEqual(onset);
    expect(e.evidence.dFake as number).toBeLessThan(0.05);
    expect(e.evidence.gGradNorm as number).toBeLessThan(1e-3);
    expect(e.message).toMatch(/overpowering/);
    expect(e.remedies.map((r) => r.technique)).toContain('techniques.instanceNoise');
    expect(e.remedies.every((r) => /^docs\/techniques\.md#[a-z0-9-]+$/.test(r.source))).toBe(true);
  });

  test('with a non-saturating G loss (gradient survives, G loss ~7) it trips as well', () => {
    const events = run(overpoweringStream(800, { onset: 200, nonSaturating: true }));
    expect(events.map((e) => e.detector)).toEqual(['discriminatorOverpowering']);
    expect(events[0]?.step).toBeLessThanOrEqual(200 + 70);
    expect(events[0]?.evidence.gLoss as number).toBeGreaterThan(3);
  });

  test('with one-sided label smoothing (D loss on real stays ~0.33) it still trips on the fake side', () => {
    const smoothed = overpoweringStream(600, { onset: 200, nonSaturating: true }).map((m) => ({
      ...m,
      dLossReal: Math.max(m.dLossReal, 0.33),
    }));
    const events = run(smoothed);
    expect(events.map((e) => e.detector)).toEqual(['discriminatorOverpowering']);
    expect(events[0]?.evidence.dLoss as number).toBeGreaterThan(0.3);
    expect(events[0]?.evidence.dLossFake as number).toBeLessThan(0.05);
  });

  test('the window is the config: a shorter window fires sooner; disabled never fires', () => {
    const stream = overpoweringStream(600, { onset: 100, decay: 10 });
    const short = run(stream, diagnosticsConfig({ discriminatorOverpowering: { window: 10 } }));
    const long = run(stream, diagnosticsConfig({ discriminatorOverpowering: { window: 100 } }));
    expect((short[0] as FailureEvent).step).toBeLessThan((long[0] as FailureEvent).step);
    expect((long[0] as FailureEvent).step - (short[0] as FailureEvent).step).toBeGreaterThanOrEqual(80);
    expect(run(stream, diagnosticsConfig({ discriminatorOverpowering: { enabled: false } }))).toEqual([]);
  });

  test('reports once while it lasts, again after a recovery', () => {
    // fresh weights start balanced (D(G(z)) ~ 0.5), then D wins, G recovers, D wins again
    const bad = overpoweringStream(200, { onset: 60, decay: 5 });
    const good = healthyStream(200, 5).map((m) => ({ ...m, step: m.step + 200 }));
    const again = overpoweringStream(200, { onset: 1, decay: 5, seed: 9 }).map((m) => ({
      ...m,
      step: m.step + 400,
    }));
    const events = run([...bad, ...good, ...again]);
    expect(events.map((e) => e.detector)).toEqual(['discriminatorOverpowering', 'discriminatorOverpowering']);
    expect(events[1]?.step).toBeGreaterThan(400);
  });
});

describe('NaN / Inf', () => {
  test('trips on the very step a loss becomes NaN', () => {
    const stream = healthyStream(100);
    stream[41] = { ...(stream[41] as DiagnosticMetrics), dLossFake: NaN };
    const events = run(stream);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ detector: 'nonFinite', step: 42, onsetStep: 42, severity: 'critical' });
    expect(events[0]?.message).toMatch(/dLossFake/);
  });

  test('an infinite layer gradient norm is named', () => {
    const rng = createRng(5);
    const m = { ...healthyStep(7, rng), gLayerGradNorms: { '01_dense': 1, '02_dense': Infinity } };
    const events = run([m]);
    expect(events[0]?.detector).toBe('nonFinite');
    expect(events[0]?.evidence.fields).toBe('g:02_dense');
  });
});

describe('exploding gradients', () => {
  test('norms growing 1.6x per step trip it within 15 steps of the onset', () => {
    const onset = 200;
    const events = run(explodingStream(300, { onset }));
    const e = events.find((x) => x.detector === 'explodingGradients');
    expect(e).toBeDefined();
    expect((e as FailureEvent).step).toBeLessThanOrEqual(onset + 15);
    expect((e as FailureEvent).evidence.ratio as number).toBeGreaterThan(50);
    expect(events[0]?.detector).toBe('explodingGradients');
  });

  test('a single spike does not (patience), an absurd norm does', () => {
    const stream = healthyStream(200);
    stream[100] = { ...(stream[100] as DiagnosticMetrics), dGradNorm: 500 };
    expect(run(stream)).toEqual([]);
    const huge = healthyStream(20);
    for (let i = 2; i < 6; i++) huge[i] = { ...(huge[i] as DiagnosticMetrics), gGradNorm: 5e3 };
    expect(run(huge).map((e) => e.detector)).toEqual(['explodingGradients']);
  });
});

describe('oscillation', () => {
  test('D and G losses swinging with period 10 trip it within a window', () => {
    const onset = 500;
    const events = run(oscillatingStream(1200, { onset, period: 10 }));
    expect(events.map((e) => e.detector)).toEqual(['oscillation']);
    expect((events[0] as FailureEvent).step).toBeLessThanOrEqual(onset + 128);
    expect((events[0] as FailureEvent).evidence.period).toBe(10);
  });

  test('the step-to-step see-saw of alternating updates (lag 1) does not, unless minLag is 1', () => {
    const seesaw = healthyStream(600).map((m) => {
      const s = m.step % 2 === 0 ? 1 : -1;
      return { ...m, dLossReal: m.dLossReal + 0.25 * s, gLoss: (m.gLoss as number) - 0.5 * s };
    });
    const quiet = run(seesaw);
    expect(quiet).toEqual([]);
    const strict = run(seesaw, diagnosticsConfig({ oscillation: { minLag: 1 } }));
    expect(strict.map((e) => e.detector)).toEqual(['oscillation']);
    expect(strict[0]?.evidence.lag).toBe(1);
  });

  test('a small wiggle below minAmplitude does not', () => {
    expect(run(oscillatingStream(800, { onset: 100, amplitude: 0.01 }))).toEqual([]);
  });

  test('fixed-z samples cycling between two outputs trip it', () => {
    const rng = createRng(6);
    const a = imageBatch(rng, 16, 64, 'diverse');
    const b = imageBatch(rng, 16, 64, 'diverse');
    const real = imageBatch(rng, 16, 64, 'diverse');
    const events = run(healthyStream(400), diagnosticsConfig(), (step) =>
      step % 50 === 0
        ? { samples: { data: (step / 50) % 2 === 0 ? a : b, n: 16 }, realDiversity: meanDistance(real) }
        : undefined,
    );
    expect(events.map((e) => e.detector)).toEqual(['oscillation']);
    expect(events[0]?.step).toBeLessThanOrEqual(200);
    expect(events[0]?.evidence.revisitDistance).toBe(0);
  });
});

describe('mode collapse', () => {
  test('diverse samples that turn into copies of one image trip it at once (a fall, no warmup needed)', () => {
    const rng = createRng(12);
    const real = imageBatch(rng, 16, 64, 'diverse');
    const events = run(healthyStream(600), diagnosticsConfig(), (step) =>
      step % 50 === 0
        ? {
            samples: { data: imageBatch(rng, 16, 64, step < 300 ? 'diverse' : 'collapsed'), n: 16 },
            realDiversity: meanDistance(real),
          }
        : undefined,
    );
    expect(events.map((e) => e.detector)).toEqual(['modeCollapse']);
    expect(events[0]).toMatchObject({ step: 350, onsetStep: 300 });
  });

  test('a diversity series that falls to 10% of the real data trips it after `patience` measurements', () => {
    // ratio rises to 0.9 by step 500, then falls to 0.1 from step 1000
    const series = (step: number): number => (step < 1000 ? Math.min(0.9, step / 500) : 0.1);
    const events = run(healthyStream(1500), diagnosticsConfig(), (step) =>
      step % 100 === 0
        ? { sampleDiversity: series(step) * 20, ...(step === 100 ? { realDiversity: 20 } : {}) }
        : undefined,
    );
    expect(events.map((e) => e.detector)).toEqual(['modeCollapse']);
    expect(events[0]?.step).toBe(1100);
    expect(events[0]?.onsetStep).toBe(1000);
    expect(events[0]?.evidence.ratio).toBeCloseTo(0.1);
    expect(events[0]?.remedies[0]?.technique).toBe('discriminator.minibatch');
  });

  test('identical fixed-z samples (diversity 0, computed from the batch) trip it; fresh weights early do not', () => {
    const rng = createRng(8);
    const real = imageBatch(rng, 16, 64, 'diverse');
    /** Collapsed fixed-z samples (and the real batch's diversity) every `every` steps. */
    const collapsedEvery = (every: number) => (step: number) =>
      step % every === 0
        ? {
            samples: { data: imageBatch(rng, 16, 64, 'collapsed'), n: 16 },
            realDiversity: meanDistance(real),
          }
        : undefined;
    const collapsedFromStart = run(healthyStream(150), diagnosticsConfig(), collapsedEvery(10));
    expect(collapsedFromStart).toEqual([]); // before warmupSteps a never-diverse G is not "collapsed"
    const later = run(healthyStream(2200), diagnosticsConfig(), collapsedEvery(50));
    expect(later.map((e) => e.detector)).toEqual(['modeCollapse']); // never diverse by warmupSteps (2000)
    expect(later[0]?.step).toBe(2050);
    expect(later[0]?.evidence.sampleDiversity).toBe(0);
  });
});
