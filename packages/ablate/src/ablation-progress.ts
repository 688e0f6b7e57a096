import cliProgress from 'cli-progress';
import type { SchedulerEvents } from './run-ablation.ts';
import type { PlannedRun } from './types.ts';

export interface AblationProgress extends SchedulerEvents {
  stop(): void;
}

export interface AblationProgressOptions {
  readonly total: number;
  /** Runs finished before this call (a resumed ablation). */
  readonly alreadyDone: number;
  readonly jobs: number;
  readonly stream?: NodeJS.WriteStream | undefined;
  /** Plain lines instead of a bar (default: when the stream is not a TTY). */
  readonly plain?: boolean | undefined;
  /**
   * How far a running run's training has got (layout.ts trainedStep), polled while runs are in flight:
   * each running run shows its step of `steps`, and the ETA counts what it has left.
   */
  readonly stepOf?: ((run: PlannedRun) => number | undefined) | undefined;
  /** The budget of every run, in steps (with stepOf). */
  readonly steps?: number | undefined;
  /** How often the runs' steps are read: default 2 s on a terminal, 60 s as plain lines. */
  readonly pollMs?: number | undefined;
}

/** "12m05s", "1h02m", "?" */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Estimated seconds left: the mean duration of the runs finished in this session, times the runs left
 * plus what the running ones have left (`running`: the fraction each still has to do), over the
 * parallel jobs. NaN before the first run ends.
 */
export function estimateSecondsLeft(
  finishedSeconds: readonly number[],
  left: number,
  running: readonly number[],
  jobs: number,
): number {
  if (finishedSeconds.length === 0) return Number.NaN;
  const mean = finishedSeconds.reduce((a, b) => a + b, 0) / finishedSeconds.length;
  const inFlight = running.reduce((a, b) => a + b, 0);
  return (mean * (left + inFlight)) / Math.max(1, jobs);
}

/** Runs done / running / left with an ETA: a bar on a terminal, a line per run start and end otherwise. */
export function createAblationProgress(opts: AblationProgressOptions): AblationProgress {
  const stream = opts.stream ?? process.stdout;
  const plain = opts.plain ?? !stream.isTTY;
  let done = opts.alreadyDone;
  /** The runs in flight, each with its step when known. */
  const running = new Map<string, { run: PlannedRun; step: number | undefined }>();
  const seconds: number[] = [];
  let failed = 0;
  const budget = opts.steps;
  const left = (): number => opts.total - done - failed - running.size;
  /** Per running run, the fraction still to train (half when its step is not known). */
  const toDo = (): number[] =>
    [...running.values()].map(({ step }) =>
      step === undefined || budget === undefined || budget <= 0 ? 0.5 : Math.max(0, 1 - step / budget),
    );
  const names = (): string =>
    [...running.entries()]
      .map(([id, { step }]) => (step === undefined || budget === undefined ? id : `${id} ${step}/${budget}`))
      .join(', ');
  const payload = (): Record<string, string | number> => ({
    running: running.size,
    left: left(),
    failed: failed > 0 ? `, ${failed} failed` : '',
    etaText: formatDuration(estimateSecondsLeft(seconds, left(), toDo(), opts.jobs)),
    names: names(),
  });
  const bar = plain
    ? undefined
    : new cliProgress.SingleBar(
        {
          stream,
          format:
            'runs {bar} {value}/{total} done, {running} running, {left} left{failed} | ETA {etaText} | {names}',
          hideCursor: true,
          clearOnComplete: false,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(opts.total, done, payload());
  const line = (text: string): void => {
    if (plain) stream.write(`${text}\n`);
  };
  const status = (): string => {
    const p = payload();
    return `[${done}/${opts.total} done, ${p.running} running, ${p.left} left${p.failed}, ETA ${p.etaText}]`;
  };
  const stepOf = opts.stepOf;
  const poll =
    stepOf === undefined
      ? undefined
      : setInterval(
          () => {
            if (running.size === 0) return;
            for (const r of running.values()) r.step = stepOf(r.run);
            bar?.update(done, payload());
            line(`training ${names()} ${status()}`);
          },
          opts.pollMs ?? (plain ? 60_000 : 2_000),
        );
  poll?.unref();
  return {
    onStart(run: PlannedRun) {
      running.set(run.id, { run, step: undefined });
      bar?.update(done, payload());
      line(`start ${run.id} ${status()}`);
    },
    onEnd(run: PlannedRun, outcome, secs) {
      running.delete(run.id);
      if (outcome === 'done') {
        done += 1;
        seconds.push(secs);
      } else if (outcome === 'failed') failed += 1;
      bar?.update(done, payload());
      line(`${outcome === 'done' ? 'done' : outcome} ${run.id} in ${formatDuration(secs)} ${status()}`);
    },
    stop() {
      if (poll !== undefined) clearInterval(poll);
      bar?.stop();
    },
  };
}
