/**
 * Child processes and temporary folders of the chaos suite: every child is ended by its pid (never by
 * name) when its experiment or the suite ends, and every temporary folder is removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BIN = join(ROOT, 'packages/cli/bin/ganforge.mjs');
export const SHIPPED_MODEL = 'mnist-dcgan';
export const SHIPPED_MODEL_DIR = join(ROOT, 'models', SHIPPED_MODEL);

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
