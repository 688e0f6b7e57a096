/**
 * What the chaos experiments share: the result types, child processes that are always ended (by pid)
 * when an experiment or the suite ends, temporary folders, a `ganforge serve` child on loopback, a small
 * HTTP client with per-request timing, closed-loop load clients, a seeded PRNG and percentiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BIN = join(ROOT, 'packages/cli/bin/ganforge.mjs');
export const SHIPPED_MODEL = 'mnist-dcgan';
export const SHIPPED_MODEL_DIR = join(ROOT, 'models', SHIPPED_MODEL);

// ---------------------------------------------------------------- results

export type Verdict = 'PASS' | 'FAIL' | 'INFO';

/** One row of an experiment's table: what was done, what was measured, the target, the verdict. */
export interface Check {
  readonly action: string;
  readonly measured: string;
  readonly target: string;
  readonly verdict: Verdict;
}

export interface ChaosOptions {
  readonly quick: boolean;
  /** Seed of every random choice (kill moments); printed, so a run can be repeated. */
  readonly seed: number;
}

/**
 * Handed to an experiment: options, an abort signal (set when its time is up), its scratch space, and
 * where its table rows go (rows recorded before a timeout are kept).
 */
export interface ExperimentContext {
  readonly options: ChaosOptions;
  readonly signal: AbortSignal;
  /** Child processes started through this are ended (by pid) when the experiment ends. */
  readonly children: ChildSet;
  /** A fresh temporary folder, removed when the experiment ends. */
  tempDir(label: string): string;
  /** One progress line on stderr. */
  log(message: string): void;
  /** Adds a row to the experiment's table (and logs it). */
  record(row: Check): void;
  /** Adds a note under the experiment's table. */
  note(text: string): void;
}

export interface Experiment {
  /** The --only name. */
  readonly name: string;
  readonly title: string;
  /** One paragraph: the set-up and what the experiment does, for these options. */
  describe(options: ChaosOptions): string;
  /** The most this experiment may take, in ms (it is stopped and reported as FAIL past it). */
  timeoutMs(options: ChaosOptions): number;
  run(ctx: ExperimentContext): Promise<void>;
}

export function check(action: string, measured: string, target: string, pass: boolean | 'info'): Check {
  return { action, measured, target, verdict: pass === 'info' ? 'INFO' : pass ? 'PASS' : 'FAIL' };
}

// ---------------------------------------------------------------- processes and folders

/** Every child process the suite started and has not seen exit, so they can all be ended on the way out. */
const allChildren = new Set<ChildProcess>();
/** Every temporary folder the suite made and has not removed yet. */
const allTempDirs = new Set<string>();

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Ends a child by its pid: SIGTERM, then SIGKILL after `graceMs` if it is still running. */
export async function endChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (!alive(child) || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = sleep(graceMs).then(() => 'late' as const);
  if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'late' && alive(child)) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await Promise.race([exited, sleep(2000)]);
  }
}

/** The children of one experiment. */
export class ChildSet {
  private readonly set = new Set<ChildProcess>();

  /** Starts `node <args>` in the repository root with stdout/stderr piped. */
  spawnNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn(process.execPath, [...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    this.set.add(child);
    allChildren.add(child);
    child.once('exit', () => {
      this.set.delete(child);
      allChildren.delete(child);
    });
    return child;
  }

  /** Starts the ganforge CLI with `args`. */
  spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    return this.spawnNode([CLI_BIN, ...args], env);
  }

  async endAll(): Promise<void> {
    await Promise.all([...this.set].map((c) => endChild(c, 1000)));
  }
}

/** Synchronous last resort on the way out: SIGKILL (by pid) every child still running, remove temp folders. */
export function killAllChildrenSync(): void {
  for (const child of allChildren) {
    if (child.pid !== undefined && alive(child)) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  allChildren.clear();
  for (const dir of allTempDirs) rmSync(dir, { recursive: true, force: true });
  allTempDirs.clear();
}

export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ganforge-chaos-${label}-`));
  allTempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  allTempDirs.delete(dir);
}

/** A temp models folder holding a copy of the shipped model; returns the models folder. */
export function copyShippedModel(parent: string): string {
  const models = join(parent, 'models');
  cpSync(SHIPPED_MODEL_DIR, join(models, SHIPPED_MODEL), { recursive: true });
  return models;
}

/** Collects a child's output (stdout and stderr), keeping the last `max` characters. */
export class OutputTail {
  text = '';
  constructor(private readonly max = 20_000) {}
  attach(stream: NodeJS.ReadableStream | null): void {
    stream?.on('data', (c: Buffer) => {
      this.text = (this.text + c.toString()).slice(-this.max);
    });
  }
  lastLines(n: number): string {
    return this.text.trimEnd().split('\n').slice(-n).join(' / ');
  }
}

/** Resolves with the exit code and signal, or undefined when `timeoutMs` passes first. */
export function waitExit(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (!alive(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

// ---------------------------------------------------------------- ganforge serve

export interface ServeChild {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  readonly output: OutputTail;
}

/**
 * Starts `ganforge serve --models <dir> --port 0 --device cpu --log-level warn <extra>` and resolves once it
 * prints "ganforge: serving ... at http://127.0.0.1:PORT" on stderr.
 */
export function startServe(
  ctx: ExperimentContext,
  modelsDir: string,
  extra: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<ServeChild> {
  const child = ctx.children.spawnCli([
    'serve',
    '--models',
    modelsDir,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--device',
    'cpu',
    '--log-level',
    'warn',
    ...extra,
  ]);
  const output = new OutputTail();
  output.attach(child.stdout);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => {
      void endChild(child);
      reject(new Error(`ganforge serve did not start within ${timeoutMs} ms: ${output.lastLines(3)}`));
    }, timeoutMs);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      output.text = (output.text + c.toString()).slice(-20_000);
      const m = /ganforge: serving .* at (http:\/\/127\.0\.0\.1:(\d+))/.exec(err);
      if (m && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid, url: m[1]!, port: Number(m[2]), output });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ganforge serve exited (${code ?? signal}) before serving: ${output.lastLines(3)}`));
    });
  });
}

/** GET /v1/models/<name> as JSON (generation, status, error), or undefined when it does not answer 200. */
export async function modelView(
  url: string,
  name = SHIPPED_MODEL,
): Promise<{ generation: number; status: string; error?: { code: string } } | undefined> {
  const r = await http({ url: `${url}/v1/models/${name}`, keepBody: true, timeoutMs: 5000 });
  if (r.status !== 200 || !r.body) return undefined;
  return JSON.parse(r.body.toString()) as { generation: number; status: string; error?: { code: string } };
}

/** VmHWM (peak resident set) and VmRSS of a process in MiB, from /proc/<pid>/status. */
export async function memoryMiB(pid: number): Promise<{ hwm: number; rss: number } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- HTTP

export interface HttpResult {
  /** HTTP status, or undefined when no answer came (network error, reset, client timeout). */
  readonly status: number | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The body, when keepBody was set. */
  readonly body: Buffer | undefined;
  readonly bytes: number;
  readonly startedAt: number;
  readonly ms: number;
  /** The error code (ECONNRESET, ECONNREFUSED, timeout, ...) when there was no answer. */
  readonly error: string | undefined;
}

export interface HttpOptions {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly agent?: Agent;
  readonly keepBody?: boolean;
  /** Client-side limit; past it the request counts as unanswered (default 60 s). */
  readonly timeoutMs?: number;
}

/** One HTTP request over node:http (loopback), timed from the first byte sent to the last received. */
export function http(o: HttpOptions): Promise<HttpResult> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<HttpResult, 'startedAt' | 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, startedAt, ms: performance.now() - startedAt });
    };
    const fail = (error: string) =>
      finish({ status: undefined, headers: {}, body: undefined, bytes: 0, error });
    const body = o.body === undefined ? undefined : Buffer.from(o.body);
    const req = httpRequest(o.url, {
      method: o.method ?? 'GET',
      agent: o.agent ?? false,
      headers: {
        ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
        ...o.headers,
      },
    });
    const timer = setTimeout(() => {
      fail('client-timeout');
      req.destroy();
    }, o.timeoutMs ?? 60_000);
    req.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (o.keepBody) chunks.push(c);
      });
      res.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
      res.on('aborted', () => fail('aborted'));
      res.on('end', () =>
        finish({
          status: res.statusCode,
          headers: res.headers,
          body: o.keepBody ? Buffer.concat(chunks) : undefined,
          bytes,
          error: undefined,
        }),
      );
    });
    req.end(body);
  });
}

/** A keep-alive agent for `sockets` concurrent connections. */
export function keepAliveAgent(sockets = Infinity): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: 1024 });
}

/** POST /v1/models/<model>/samples with {n, seed, format}. */
export function samplesRequest(url: string, n: number, seed: number, format: 'npy' | 'json'): HttpOptions {
  return {
    url: `${url}/v1/models/${SHIPPED_MODEL}/samples`,
    method: 'POST',
    body: JSON.stringify({ n, seed, format }),
  };
}

/**
 * `connections` closed-loop clients, each sending `request(i)` back to back until `stop()` returns true
 * (or the signal aborts). `pauseAfterErrorMs` spaces out retries after a request with no answer.
 */
export async function closedLoop(options: {
  readonly connections: number;
  readonly request: (client: number, i: number) => HttpOptions;
  readonly stop: () => boolean;
  readonly signal: AbortSignal;
  readonly pauseAfterErrorMs?: number;
  /** Pause after a 429 (default 0: send the next request at once). */
  readonly pauseAfter429Ms?: number;
  readonly onResult?: (r: HttpResult, client: number) => void;
}): Promise<HttpResult[]> {
  const agent = keepAliveAgent(options.connections);
  const results: HttpResult[] = [];
  const client = async (c: number) => {
    for (let i = 0; !options.stop() && !options.signal.aborted; i++) {
      const r = await http({ ...options.request(c, i), agent });
      results.push(r);
      options.onResult?.(r, c);
      if (r.status === undefined) await sleep(options.pauseAfterErrorMs ?? 20);
      else if (r.status === 429 && options.pauseAfter429Ms) await sleep(options.pauseAfter429Ms);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, (_, c) => client(c)));
  } finally {
    agent.destroy();
  }
  return results;
}

// ---------------------------------------------------------------- small helpers

/** Resolves after `ms`; with `unref`, the timer does not keep the process alive. */
export function sleep(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined, or `timeoutMs` passes. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 25,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (performance.now() >= end || signal?.aborted) return undefined;
    await sleep(everyMs);
  }
}

/** mulberry32: a small seeded PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The p-th percentile (0..100) of `values` (nearest rank), NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const fmtMs = (ms: number): string =>
  Number.isNaN(ms) ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;

export const pct = (part: number, whole: number): string =>
  whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;

/** Counts of results by outcome: 2xx, each non-2xx status, and unanswered (by error code). */
export function tally(results: readonly HttpResult[]): {
  ok: number;
  byStatus: Map<number, number>;
  noAnswer: number;
  errors: Map<string, number>;
} {
  const byStatus = new Map<number, number>();
  const errors = new Map<string, number>();
  let ok = 0;
  let noAnswer = 0;
  for (const r of results) {
    if (r.status === undefined) {
      noAnswer++;
      errors.set(r.error ?? '?', (errors.get(r.error ?? '?') ?? 0) + 1);
    } else if (r.status >= 200 && r.status < 300) ok++;
    else byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  }
  return { ok, byStatus, noAnswer, errors };
}

/** "429: 12, 503: 1" from a count map ("none" when empty). */
export function formatCounts<K>(m: ReadonlyMap<K, number>): string {
  return m.size === 0
    ? 'none'
    : [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${String(k)}: ${v}`)
        .join(', ');
}
