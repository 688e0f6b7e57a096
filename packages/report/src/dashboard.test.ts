import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@ganforge/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appendEvent } from '@ganforge/runs';
import { remediesFor } from '@ganforge/train';
import { fullMetrics, healthyStream, writeFakeRun } from '@ganforge/train/testing';
import { chromiumSkipReason, launchChromium } from '../../../test/support/chromium.ts';
import { startDashboard, type Dashboard } from './dashboard.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganforge-dash-'));
const runDir = join(tmp, 'live-run');
let dash: Dashboard;
afterAll(async () => {
  await dash?.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeAll(async () => {
  await writeFakeRun(runDir, { steps: 200, onset: 10_000 }); // healthy so far
  dash = await startDashboard({ runDir, port: 0, pollMs: 100 });
});

const rng = createRng(5);
function appendSteps(from: number, count: number): void {
  const rows = healthyStream(from + count, 3)
    .slice(from)
    .map((m) => `${JSON.stringify(fullMetrics(m, rng))}\n`);
  appendFileSync(join(runDir, 'metrics.jsonl'), rows.join(''));
}

/** Reads server-sent events from /stream until `until` returns true. */
async function readStream(
  url: string,
  until: (events: { event: string; data: unknown }[]) => boolean,
): Promise<{ event: string; data: unknown }[]> {
  const controller = new AbortController();
  const res = await fetch(new URL('stream', url), { signal: controller.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const deadline = Date.now() + 10_000;
  try {
    while (!until(events) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}

describe('live dashboard', () => {
  test('serves the charts of the run so far on 127.0.0.1', async () => {
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const html = await (await fetch(dash.url)).text();
    expect(html).toContain('<svg');
    expect(html).toMatch(/data-series="D loss real" data-points="200"/);
    expect(html).toContain('No failure detected in 200 steps');
    const png = await fetch(new URL('samples/step-000100.png', dash.url));
    expect(png.headers.get('content-type')).toBe('image/png');
    expect((await png.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await fetch(new URL('samples/../config.json', dash.url))).status).toBe(404);
  });

  test('SSE delivers new metrics rows, events and sample grids as the run directory grows', async () => {
    const got = readStream(
      dash.url,
      (ev) =>
        ['metrics', 'failure', 'sample'].every((k) => ev.some((e) => e.event === k)) &&
        ev.some((e) => e.event === 'metrics' && (e.data as { step: number }[]).some((r) => r.step === 230)),
    );
    await new Promise((r) => setTimeout(r, 200));
    appendSteps(200, 20);
    appendSteps(220, 10);
    appendEvent(join(runDir, 'events.jsonl'), {
      step: 225,
      onsetStep: 225,
      detector: 'nonFinite',
      severity: 'critical',
      message: 'training diverged: gLoss is not finite at step 225',
      evidence: { fields: 'gLoss' },
      remedies: remediesFor('nonFinite'),
    });
    copyFileSync(join(runDir, 'samples', 'step-000200.png'), join(runDir, 'samples', 'step-000300.png'));
    const events = await got;
    expect(events[0]).toEqual({ event: 'hello', data: { step: 200, rows: 200 } });
    const steps = events
      .filter((e) => e.event === 'metrics')
      .flatMap((e) => (e.data as { step: number }[]).map((r) => r.step));
    expect(steps).toEqual(Array.from({ length: 30 }, (_, i) => 201 + i));
    expect(events.find((e) => e.event === 'failure')?.data).toMatchObject([
      { step: 225, detector: 'nonFinite' },
    ]);
    expect(events.find((e) => e.event === 'sample')?.data).toEqual([
      { step: 300, url: 'samples/step-000300.png' },
    ]);
    const fragment = await (await fetch(new URL('fragment', dash.url))).text();
    expect(fragment).toMatch(/data-series="D loss real" data-points="230"/);
    expect(fragment).toContain('data-detector="nonFinite"');
  });

  const skip = chromiumSkipReason();
  test.skipIf(skip)('the page in Chromium redraws its charts as steps arrive', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(dash.url);
      const points = (): Promise<number> =>
        page.$eval('#chart-losses path.series', (p) => Number(p.getAttribute('data-points')));
      const before = await points();
      appendSteps(230, 40);
      await page.waitForFunction(
        (n) => Number(document.querySelector('#chart-losses path.series')?.getAttribute('data-points')) > n,
        before,
        { timeout: 10_000 },
      );
      expect(await points()).toBe(270);
      expect(await page.textContent('#status')).toContain('step 270');
    } finally {
      await browser.close();
    }
  });

  test('close() stops the server', async () => {
    const d = await startDashboard({ runDir, port: 0 });
    await d.close();
    await expect(fetch(d.url)).rejects.toThrow();
    await expect(startDashboard({ runDir: join(tmp, 'nope') })).rejects.toMatchObject({ code: 'not_a_run' });
  });
});
