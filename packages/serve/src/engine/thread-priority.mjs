// Lowers the CPU priority of the calling thread (Linux: the nice value is per thread).
// Plain JavaScript: imported by the worker threads, which run without a TypeScript loader.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The session workers and the JSON encoder run at this nice value, the HTTP thread at the process's
 * own (usually 0). When every core is busy, the kernel then gives the HTTP thread the CPU first:
 * health checks, 429s and signals are answered at once under overload, and the workers use the rest.
 */
export const WORKER_NICE = 10;

/**
 * Sets this thread's nice value to `nice` (only ever lower priority: no privileges needed). Returns
 * the thread id it changed, or undefined where threads cannot be told apart (non-Linux) or it failed.
 */
export function lowerThreadPriority(nice = WORKER_NICE) {
  try {
    // /proc/thread-self -> "<pid>/task/<tid>"; setpriority(PRIO_PROCESS, tid) changes that thread only.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    setPriority(tid, nice);
    return tid;
  } catch {
    return undefined;
  }
}
