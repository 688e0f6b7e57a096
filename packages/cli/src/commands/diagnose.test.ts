import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { useFakeRun } from '@ganforge/train/testing';

const ROOT = resolve(import.meta.dirname, '../../../..');
const BIN = join(ROOT, 'packages/cli/bin/ganforge.mjs');
const { tmp, runDir } = useFakeRun({ prefix: 'cli-diagnose', steps: 300, onset: 150 });

const ganforge = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'diagnose', ...args], { cwd: ROOT, encoding: 'utf8' });

test('ganforge diagnose names the failure, its evidence and remedies; --set changes the verdict', () => {
  const r = ganforge(runDir);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/\[step \d+\] CRITICAL discriminatorOverpowering: /);
  expect(r.stdout).toContain('try: techniques.instanceNoise');
  expect(r.stdout).toMatch(/: 1 failure event\(s\) in 300 steps\n$/);
  const json = ganforge(runDir, '--json');
  expect(
    json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).detector),
  ).toEqual(['discriminatorOverpowering']);
  const off = ganforge(runDir, '--set', 'diagnostics.discriminatorOverpowering.enabled=false');
  expect(off.stdout).toMatch(/: no failure detected in 300 steps\n$/);
});

test('bad input: not a run -> one line, exit 1; a --set outside diagnostics -> usage, exit 2', () => {
  const notRun = ganforge(tmp);
  expect(notRun.status).toBe(1);
  expect(notRun.stderr.trim().split('\n')).toHaveLength(1);
  expect(notRun.stderr).toContain('is not a ganforge run directory');
  const bad = ganforge(runDir, '--set', 'steps=3');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('diagnose changes only diagnostics.*');
});
