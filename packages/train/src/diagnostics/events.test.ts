import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { z } from 'zod';
import { DiagnosticsConfigSchema, diagnosticsConfig } from './config.ts';
import { appendEvent, EVENTS_FILE, formatEvent, readEvents } from '@ganforge/runs';
import { remediesFor } from './remedies.ts';
import type { FailureEvent } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'ganforge-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample: FailureEvent = {
  step: 412,
  onsetStep: 362,
  detector: 'discriminatorOverpowering',
  severity: 'critical',
  message: "the discriminator is overpowering the generator: D's loss was 0.001",
  evidence: { dLoss: 0.001, dFake: 0.0009, gGradNorm: 1e-6, gLoss: null },
  remedies: remediesFor('discriminatorOverpowering'),
};

test('events.jsonl: appended events read back in order; a torn last line is ignored', () => {
  const file = join(dir, EVENTS_FILE);
  expect(readEvents(file)).toEqual([]);
  appendEvent(file, sample);
  appendEvent(file, {
    ...sample,
    step: 900,
    detector: 'modeCollapse',
    remedies: remediesFor('modeCollapse'),
  });
  appendFileSync(file, '{"step": 9');
  const back = readEvents(file);
  expect(back.map((e) => [e.step, e.detector])).toEqual([
    [412, 'discriminatorOverpowering'],
    [900, 'modeCollapse'],
  ]);
  expect(back[0]).toEqual(sample);
});

test('formatEvent: headline with step, severity and detector, then remedies with their sources', () => {
  const text = formatEvent(sample);
  const lines = text.split('\n');
  expect(lines[0]).toBe(`[step 412] CRITICAL discriminatorOverpowering: ${sample.message}`);
  expect(lines[1]).toMatch(
    /^ {2}try: techniques\.instanceNoise - .*\(docs\/techniques\.md#instance-noise\)$/,
  );
  expect(lines).toHaveLength(5); // 3 remedies + "more"
  expect(lines[4]).toMatch(/\+8 more/);
});

test('diagnostics config: all detectors on by default, every field described, unknown keys rejected', () => {
  const c = diagnosticsConfig();
  expect(c.onFailure).toBe('warn');
  for (const d of [
    'nonFinite',
    'explodingGradients',
    'discriminatorOverpowering',
    'modeCollapse',
    'oscillation',
  ] as const) {
    expect(c[d].enabled).toBe(true);
  }
  expect(c.discriminatorOverpowering.window).toBe(50);
  expect(() => DiagnosticsConfigSchema.parse({ oscilation: {} })).toThrow(/oscilation/);
  expect(() => DiagnosticsConfigSchema.parse({ modeCollapse: { minRatio: 2 } })).toThrow();
  // every field of every section has a description (the config printer shows them)
  const sections = DiagnosticsConfigSchema.unwrap().shape;
  for (const [name, schema] of Object.entries(sections)) {
    expect(schema.description, name).toBeTruthy();
    const inner =
      schema instanceof z.ZodPipe || 'unwrap' in schema ? (schema as { unwrap(): unknown }).unwrap() : schema;
    if (inner instanceof z.ZodObject) {
      for (const [field, f] of Object.entries(inner.shape))
        expect((f as z.ZodType).description, `${name}.${field}`).toBeTruthy();
    }
  }
});
