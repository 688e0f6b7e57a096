/**
 * Experiment 2: SIGTERM under load. A fresh `ganforge serve` per load level; closed-loop clients send
 * samples requests; SIGTERM arrives mid-load. Every request in flight at that moment must get an HTTP
 * answer (its samples, or 503 shutting_down), and the server must exit 0 within the drain timeout.
 */
import {
  check,
  closedLoop,
  copyShippedModel,
  endChild,
  fmtMs,
  formatCounts,
  samplesRequest,
  sleep,
  startServe,
  tally,
  waitExit,
  type Experiment,
  type ExperimentContext,
  type HttpResult,
} from './support.ts';

/** createServer's default drainTimeoutMs (ganforge serve has no flag for it). */
const DRAIN_TIMEOUT_MS = 10_000;
/** How long to wait for the exit before SIGKILL. */
const EXIT_WAIT_MS = 30_000;

interface Level {
  readonly name: string;
  readonly connections: number;
  readonly n: number;
  readonly loadMs: number;
}

function levels(quick: boolean): Level[] {
  return [
    { name: 'light', connections: 4, n: 1, loadMs: 2000 },
    { name: 'heavy', connections: quick ? 100 : 200, n: 64, loadMs: 3000 },
  ];
}

export const sigterm: Experiment = {
  name: 'sigterm',
  title: 'SIGTERM under load',
  describe: (o) =>
    `For each load level, a fresh \`ganforge serve --device cpu\` on a temp copy of the model and closed-loop ` +
    `loopback clients sending POST /v1/models/mnist-dcgan/samples (npy); after the stated time under load the ` +
    `server gets SIGTERM (by pid) while the clients keep sending until it has exited. Levels: ` +
    levels(o.quick)
      .map((l) => `${l.name} = ${l.connections} connections × n=${l.n} for ${l.loadMs / 1000} s`)
      .join('; ') +
    `. Clients pause 50 ms after a 429 or a request without an answer. A request is in flight if it was sent before the SIGTERM and finished after it; one that ends without an ` +
    `HTTP answer (reset, refused, aborted) is a failure, a 503 shutting_down answer is fine. Drain timeout: the ` +
    `server's default ${DRAIN_TIMEOUT_MS / 1000} s.`,
  timeoutMs: () => 2 * (60_000 + EXIT_WAIT_MS + 10_000),
  async run(ctx) {
    for (const level of levels(ctx.options.quick)) {
      if (ctx.signal.aborted) return;
      try {
        await runLevel(ctx, level);
      } catch (e) {
        ctx.record(
          check(
            `${level.name} load`,
            `error: ${e instanceof Error ? e.message : String(e)}`,
            'runs to the end',
            false,
          ),
        );
      }
    }
  },
};

async function runLevel(ctx: ExperimentContext, level: Level): Promise<void> {
  const models = copyShippedModel(ctx.tempDir(`sigterm-${level.name}`));
  ctx.log(`sigterm/${level.name}: starting ganforge serve`);
  const server = await startServe(ctx, models);
  let exited = false;
  let termAt = Infinity;
  const load = closedLoop({
    connections: level.connections,
    request: (c, i) => samplesRequest(server.url, level.n, c * 100_000 + i, 'npy'),
    stop: () => exited,
    signal: ctx.signal,
    pauseAfterErrorMs: 50,
    pauseAfter429Ms: 50,
  });
  let results: HttpResult[];
  let exit: Awaited<ReturnType<typeof waitExit>>;
  let exitMs: number;
  try {
    await sleep(level.loadMs);
    ctx.log(`sigterm/${level.name}: SIGTERM to pid ${server.pid}`);
    termAt = performance.now();
    process.kill(server.pid, 'SIGTERM');
    exit = await waitExit(server.child, EXIT_WAIT_MS);
    exitMs = performance.now() - termAt;
  } finally {
    await sleep(200);
    exited = true;
    await endChild(server.child);
    results = await load;
  }
  const before = results.filter((r) => r.startedAt < termAt && r.startedAt + r.ms < termAt);
  const inFlight = results.filter((r) => r.startedAt < termAt && r.startedAt + r.ms >= termAt);
  const after = results.filter((r) => r.startedAt >= termAt);
  const t = tally(inFlight);
  const what = `${level.name}: ${level.connections} connections × n=${level.n}, SIGTERM after ${level.loadMs / 1000} s`;
  ctx.record(
    check(
      `${what}: requests in flight at SIGTERM`,
      `${inFlight.length} in flight: ${t.ok} 2xx, non-2xx ${formatCounts(t.byStatus)}, ` +
        `no answer ${t.noAnswer}${t.noAnswer ? ` (${formatCounts(t.errors)})` : ''}` +
        ` (${before.length} answered before the signal, ${tally(before).ok} of them 2xx)`,
      '0 without an HTTP answer',
      t.noAnswer === 0 && inFlight.length > 0,
    ),
  );
  ctx.record(
    check(
      `${what}: exit status`,
      exit
        ? exit.code !== null
          ? `exit code ${exit.code}`
          : `killed by ${exit.signal}`
        : `still running after ${EXIT_WAIT_MS / 1000} s (SIGKILLed)`,
      'exit code 0',
      exit?.code === 0,
    ),
  );
  ctx.record(
    check(
      `${what}: time from SIGTERM to exit`,
      exit ? fmtMs(exitMs) : `> ${EXIT_WAIT_MS / 1000} s`,
      `≤ ${DRAIN_TIMEOUT_MS / 1000} s (drain timeout)`,
      exit !== undefined && exitMs <= DRAIN_TIMEOUT_MS,
    ),
  );
  const a = tally(after);
  ctx.record(
    check(
      `${what}: requests sent after SIGTERM (informational)`,
      `${after.length} sent: ${a.ok} 2xx, non-2xx ${formatCounts(a.byStatus)}, no answer ${a.noAnswer}` +
        (a.noAnswer ? ` (${formatCounts(a.errors)})` : ''),
      'refused or 503 once draining',
      'info',
    ),
  );
}
