/**
 * Where `ganforge serve`'s main thread spends its time per request under load: starts the server
 * (its own process, as the serving benchmark does), loads it with autocannon on loopback for a
 * warm-up, then CPU-profiles its main thread (inspector, in the server process) while the load runs,
 * and prints the self time by area and by function, and ganforge's functions by inclusive time, each
 * per request.
 *   node --import tsx scripts/bench-serve-profile.ts [options]   (`--help` lists them)
 * --keep also writes the raw profile (open it in Chrome DevTools or speedscope). --naive profiles the
 * serving benchmark's naive server (packages/serve/src/bench/naive-server.ts, npy only) the same way,
 * for a side-by-side reading of where the two spend a request.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelCard } from '@ganforge/core';
import {
  formatProfileSummary,
  load,
  NAIVE_PROFILED_CHILD,
  requestFor,
  startProfiling,
  startServer,
  summarizeProfile,
  type CpuProfile,
  type LoadScenario,
} from '@ganforge/serve/bench';
import { firstModel, ROOT } from './bench-support.ts';
import { numberOption, parseScriptArgs, usageError } from './script-args.ts';

const COMMAND = {
  name: 'bench-serve-profile',
  usage: `usage: node --import tsx scripts/bench-serve-profile.ts [--models <dir>] [--model <name>] [--n 1]
       [--connections 32] [--format npy|png|v2] [--duration 10] [--workers N] [--threads N] [--inline-threads N]
       [--interval-us 250] [--no-fast-path] [--naive] [--keep <file.cpuprofile>]`,
};
const { values } = parseScriptArgs(COMMAND, {
  options: {
    models: { type: 'string' },
    model: { type: 'string' },
    n: { type: 'string', default: '1' },
    connections: { type: 'string', default: '32' },
    format: { type: 'string', default: 'npy' },
    duration: { type: 'string', default: '10' },
    workers: { type: 'string' },
    threads: { type: 'string' },
    'inline-threads': { type: 'string' },
    'interval-us': { type: 'string', default: '250' },
    keep: { type: 'string' },
    'no-fast-path': { type: 'boolean' },
    naive: { type: 'boolean' },
  },
});
const modelsDir = values.models ?? join(ROOT, 'models');
const model = values.model ?? firstModel(modelsDir);
if (!model) usageError(COMMAND, `no model in ${modelsDir}: pass --models and --model`);
const format = values.format;
if (format !== 'npy' && format !== 'png' && format !== 'v2')
  usageError(COMMAND, `--format: expected npy, png or v2, got '${format}'`);
const whole = { integer: true, min: 1 };
const scenario: LoadScenario = {
  n: numberOption(COMMAND, 'n', values.n, whole)!,
  connections: numberOption(COMMAND, 'connections', values.connections, whole)!,
  format,
};
const durationS = numberOption(COMMAND, 'duration', values.duration, { above: true })!;
const intervalUs = numberOption(COMMAND, 'interval-us', values['interval-us'], whole)!;
const workers = numberOption(COMMAND, 'workers', values.workers, whole);
const threads = numberOption(COMMAND, 'threads', values.threads, whole);
const inlineThreads = numberOption(COMMAND, 'inline-threads', values['inline-threads'], whole);
if (values.naive && format !== 'npy')
  usageError(COMMAND, `--naive: the naive server answers npy only, not --format ${format}`);
const card = parseModelCard(JSON.parse(readFileSync(join(modelsDir, model, 'card.json'), 'utf8')));
const dir = mkdtempSync(join(tmpdir(), 'ganforge-profile-'));
const profileOut = join(dir, 'main.cpuprofile');

const profilerOptions = { profileOut, profileIntervalUs: intervalUs };
const server = values.naive
  ? await startServer({ modelsDir, model, ...profilerOptions }, NAIVE_PROFILED_CHILD)
  : await startServer({
      modelsDir,
      ...(workers !== undefined ? { workers } : {}),
      ...(threads !== undefined ? { intraOpThreads: threads } : {}),
      ...(inlineThreads !== undefined ? { inlineThreads } : {}),
      queueLimit: 16_384,
      device: 'cpu',
      ...(values['no-fast-path'] ? { fastPath: false } : {}),
      ...profilerOptions,
    });
try {
  const request = requestFor(
    server.url,
    { name: model, latentDim: card.latent.size, inputName: card.onnx.inputName },
    scenario,
  );
  await load(request, scenario, 2); // warm-up: JIT, pools
  await startProfiling(server);
  const r = await load(request, scenario, durationS);
  await server.stop();
  const requests = Math.round(r.requestsPerSec * durationS) + r.non2xx;
  process.stdout.write(
    `${values.naive ? 'naive server, ' : ''}${model}: n=${scenario.n} ${scenario.format} x ${scenario.connections} connections: ${r.samplesPerSec.toFixed(0)} samples/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-200 ${r.non2xx}, errors ${r.errors}\n`,
  );
  const profile = JSON.parse(readFileSync(profileOut, 'utf8')) as CpuProfile;
  process.stdout.write(`${formatProfileSummary(summarizeProfile(profile, requests))}\n`);
  if (values.keep) copyFileSync(profileOut, values.keep);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
