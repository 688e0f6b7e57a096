// Lowers the CPU priority of the calling thread (Linux: the nice value is per thread).
// Plain JavaScript: imported by the worker threads, which run without a TypeScript loader.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The nice value the session workers and the JSON encoder run at unless told (`ganforge serve
 * --worker-nice`), the HTTP thread at the process's own (usually 0). When every core is busy, the
 * kernel then gives the HTTP thread the CPU first (at 2, about 1.6 times a worker's share): health
 * checks, 429s and signals are answered at once under overload, and the workers use the rest.
 *
 * Two, not ten (the value until 2026-12-03), because a nice value ranks the workers below the other
 * processes of their scheduling group too, not only below their HTTP thread; at ten they get a tenth
 * of a nice-0 thread's share. The group: Linux shares the CPU between cgroups and, with autogroup,
 * between sessions first, so what competes with the workers is other work started from the same
 * terminal or script, or run in the same container (`ganforge train & ganforge serve`), not a
 * training run in another terminal. Measured on the 2-core machine with the load generator on the same
 * cores (BENCHMARKS.md, "Session workers at nice 2"):
 * - beside two processes that spin a core each (a training run): 16 x 8 at 0.46x and 0.56x of the
 *   naive server at ten, 1.69x and 1.49x at two; 1 x 32 at 0.72x and 0.58x against 2.05x and 1.75x;
 * - beside one, under overload (64 x 128, every 429 re-sent at once, so the HTTP thread is busy too):
 *   at ten the workers could starve until the server answered nothing but 429s;
 * - alone: two and ten alike, two slightly ahead in most rows.
 * The price: under 10x overload the health checks' p99 (the overload experiment's target is 50 ms) was
 * 32-46 ms in six runs at two and 56 ms in one, against 15-17 ms at ten (and 52 ms once at zero).
 */
export const WORKER_NICE = 2;

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
