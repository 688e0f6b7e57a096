import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAblationProgress, estimateSecondsLeft } from './ablation-progress.ts';
import { runParent, trainedStep } from './layout.ts';
import type { PlannedRun } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'ganforge-ablation-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (id: string, index = 0): PlannedRun => ({
  index,
  id,
  variant: id.split('--')[0]!,
  seed: 1,
  config: {},
  evalSteps: [1000],
});

/** A non-TTY stream that keeps what is written. */
function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => text };
}

describe('estimateSecondsLeft', () => {
  it('counts what the running runs have left: their fractions, or half of each when they are a count', () => {
    // One finished run took 100 s; 2 left; two running with 0.25 and 0.75 still to do; 2 jobs.
    expect(estimateSecondsLeft([100], 2, [0.25, 0.75], 2)).toBe(150);
    // Runs whose step is not known yet count as half done (the progress view passes 0.5 for them).
    expect(estimateSecondsLeft([100], 2, [0.5, 0.5], 2)).toBe(150);
    expect(estimateSecondsLeft([100], 0, [0.1], 1)).toBeCloseTo(10);
    expect(estimateSecondsLeft([], 3, [0.5], 1)).toBeNaN();
  });
});

describe('the progress of runs in flight', () => {
  it('shows each running run at its step of the budget, read while it trains', async () => {
    const out = sink();
    let step = 250;
    const p = createAblationProgress({
      total: 2,
      alreadyDone: 0,
      jobs: 1,
      stream: out.stream,
      plain: true,
      stepOf: () => step,
      steps: 1000,
      pollMs: 10,
    });
    const a = run('base--seed-1');
    p.onStart!(a);
    await vi.waitFor(() =>
      expect(out.text()).toContain('training base--seed-1 250/1000 [0/2 done, 1 running, 1 left, ETA ?]'),
    );
    step = 1000;
    p.onEnd!(a, 'done', 100);
    p.onStart!(run('other--seed-1', 1));
    step = 600;
    // One run of 100 s done; the other has 40% left: 40 s.
    await vi.waitFor(() =>
      expect(out.text()).toContain('training other--seed-1 600/1000 [1/2 done, 1 running, 0 left, ETA 40s]'),
    );
    p.stop();
    const after = out.text().length;
    await new Promise((r) => setTimeout(r, 40));
    expect(out.text().length).toBe(after); // stop() ends the polling
  });

  it("trainedStep reads the newest run folder's metrics.jsonl (undefined before training writes it)", () => {
    const a = run('base--seed-2');
    expect(trainedStep(dir, a)).toBeUndefined();
    const parent = runParent(dir, a);
    const older = join(parent, 'dcgan-20260101-000000');
    const newer = join(parent, 'dcgan-20260102-000000');
    for (const d of [older, newer]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'config.json'), '{}');
    }
    expect(trainedStep(dir, a)).toBeUndefined();
    writeFileSync(join(older, 'metrics.jsonl'), '{"step":900}\n');
    writeFileSync(join(newer, 'metrics.jsonl'), '{"step":41}\n{"step":42}\n');
    expect(trainedStep(dir, a)).toBe(42);
  });
});
