/** The browser benchmark's report plumbing: the table it writes and the BENCHMARKS.md section it replaces. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatWebBench, stats } from '@ganforge/web/bench';
import { firstModel, ROOT, writeMarkdownSection } from '../scripts/bench-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'ganforge-bench-md-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('browser benchmark report', () => {
  it('summarizes timings as median and p90', () => {
    expect(stats([5, 1, 4, 2, 3, 10, 6, 7, 8, 9])).toEqual({ median: 6, p90: 10, reps: 10 });
  });

  it('formats one row per runtime and thread count, batch 1 and 16 side by side', () => {
    const s = (median: number) => ({ median, p90: median * 2, reps: 30 });
    const md = formatWebBench(
      {
        model: 'm',
        shape: 'latent 100 -> 28x28x1',
        browser: 'headless Chromium 1',
        cpu: '2 x cpu',
        rows: [
          { runtime: 'onnxruntime-web wasm (Chromium)', threads: 2, batch: 1, run: s(1), draw: s(1.5) },
          { runtime: 'onnxruntime-web wasm (Chromium)', threads: 2, batch: 16, run: s(8), draw: s(9) },
          { runtime: 'onnxruntime-node (CPU)', threads: 2, batch: 1, run: s(0.5) },
          { runtime: 'onnxruntime-node (CPU)', threads: 2, batch: 16, run: s(12.25) },
        ],
      },
      new Date('2026-11-23T00:00:00Z'),
    );
    expect(md.startsWith('## Browser\n')).toBe(true);
    expect(md).toContain('| onnxruntime-web wasm (Chromium) | 2 | 1.00 (2.00) | 8.00 (16.0) | 1.50 | 9.00 |');
    expect(md).toContain('| onnxruntime-node (CPU) | 2 | 0.50 (1.00) | 12.3 (24.5) | - | - |');
  });

  it('replaces only the Browser section of BENCHMARKS.md, or appends it', async () => {
    const file = join(dir, 'BENCHMARKS.md');
    writeFileSync(file, '# Benchmarks\n\n## Training\n\nt\n\n## Browser\n\nold\n\n## Serving\n\ns\n');
    await writeMarkdownSection(file, 'Browser', '## Browser\n\nnew\n');
    expect(readFileSync(file, 'utf8')).toBe(
      '# Benchmarks\n\n## Training\n\nt\n\n## Browser\n\nnew\n\n## Serving\n\ns\n',
    );
    const other = join(dir, 'other.md');
    writeFileSync(other, '# Benchmarks\n\n## Training\n\nt\n');
    await writeMarkdownSection(other, 'Browser', '## Browser\n\nnew\n');
    expect(readFileSync(other, 'utf8')).toBe('# Benchmarks\n\n## Training\n\nt\n\n## Browser\n\nnew\n');
  });

  it('keeps the hand-written ### subsections of the section it replaces, and replaces the ones it writes', async () => {
    const file = join(dir, 'subsections.md');
    writeFileSync(
      file,
      '# B\n\n## Serving\n\nold table\n\n### Protocols\n\nold protocols\n\n### Findings\n\nby hand\n\n## Web\n\nw\n',
    );
    await writeMarkdownSection(
      file,
      'Serving',
      '## Serving\n\nnew table\n\n### Protocols\n\nnew protocols\n',
    );
    expect(readFileSync(file, 'utf8')).toBe(
      '# B\n\n## Serving\n\nnew table\n\n### Protocols\n\nnew protocols\n\n### Findings\n\nby hand\n\n## Web\n\nw\n',
    );
  });
});

describe('the model a benchmark measures by default', () => {
  it('is the first unconditional generator: not evaluators/, not a class-conditional one, not an incomplete folder', () => {
    const models = join(dir, 'models');
    const folder = (name: string, card?: object, onnx = true) => {
      mkdirSync(join(models, name), { recursive: true });
      if (card) writeFileSync(join(models, name, 'card.json'), JSON.stringify(card));
      if (onnx) writeFileSync(join(models, name, 'model.onnx'), 'onnx');
    };
    folder('a-conditional', { conditioning: { input: 'class', classes: ['0', '1'] } });
    folder('b-no-card');
    folder('evaluators', {});
    folder('c-plain', {});
    folder('d-plain', {});
    expect(firstModel(models)).toBe('c-plain');
    expect(firstModel(join(dir, 'no-such-folder'))).toBeUndefined();
    // The shipped folder: the unconditional default, although the conditional models sort first.
    expect(firstModel(join(ROOT, 'models'))).toBe('mnist-dcgan');
  });
});
