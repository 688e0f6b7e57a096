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
 * (those running count as half done), over the parallel jobs. NaN before the first run ends.
 */
export function estimateSecondsLeft(
  finishedSeconds: readonly number[],
  left: number,
  running: number,
  jobs: number,
): number {
  if (finishedSeconds.length === 0) return Number.NaN;
  const mean = finishedSeconds.reduce((a, b) => a + b, 0) / finishedSeconds.length;
  return (mean * (left + running / 2)) / Math.max(1, jobs);
}

/** Runs done / running / left with an ETA: a bar on a terminal, a line per run start and end otherwise. */
export function createAblationProgress(opts: AblationProgressOptions): AblationProgress {
  const stream = opts.stream ?? process.stdout;
  const plain = opts.plain ?? !stream.isTTY;
  let done = opts.alreadyDone;
  const running = new Set<string>();
  const seconds: number[] = [];
  let failed = 0;
  const left = (): number => opts.total - done - failed - running.size;
  const payload = (): Record<string, string | number> => ({
    running: running.size,
    left: left(),
    failed: failed > 0 ? `, ${failed} failed` : '',
    etaText: formatDuration(estimateSecondsLeft(seconds, left(), running.size, opts.jobs)),
    names: [...running].join(' '),
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
  return {
    onStart(run: PlannedRun) {
      running.add(run.id);
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
      bar?.stop();
    },
  };
}
