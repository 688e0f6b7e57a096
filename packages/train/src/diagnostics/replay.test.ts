import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diagnosticsConfig } from './config.ts';
import { readEvents } from '@ganforge/runs';
import { useFakeRun } from '../testing/use-fake-run.ts';
import { replayDiagnostics } from './replay.ts';

const { tmp, runDir } = useFakeRun({ prefix: 'replay', steps: 400, onset: 200 });

describe('replayDiagnostics', () => {
  test("finds what the detectors found during training, from the run's logs alone", async () => {
    const r = await replayDiagnostics(runDir);
    expect(r.steps).toBe(400);
    const recorded = readEvents(join(runDir, 'events.jsonl'));
    expect(recorded.map((e) => e.detector)).toEqual(['discriminatorOverpowering']);
    expect(r.events.map((e) => [e.detector, e.step])).toEqual(recorded.map((e) => [e.detector, e.step]));
    // the fixed-z grids reached the collapse/oscillation detectors (one per 100 steps, steps 0-300)
    expect(r.diagnostics.oscillation.snapshots.length).toBe(4);
  });

  test('other thresholds give other verdicts', async () => {
    const off = await replayDiagnostics(runDir, {
      diagnostics: diagnosticsConfig({ discriminatorOverpowering: { enabled: false } }),
    });
    expect(off.events).toEqual([]);
  });

  test('a folder that is not a run is a clear error', async () => {
    await expect(replayDiagnostics(tmp)).rejects.toMatchObject({ code: 'not_a_run' });
  });
});
