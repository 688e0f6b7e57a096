/** A `ganforge serve` child on loopback, and what the experiments read from it (model view, memory). */
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { ExperimentContext } from './experiment.ts';
import { http } from './http-load.ts';
import { endChild, OutputTail, SHIPPED_MODEL } from './processes.ts';

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
