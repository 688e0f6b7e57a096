import cliProgress from 'cli-progress';
import type { StepMetrics } from '@ganforge/runs';

/** Shows training progress: a live bar on a terminal, plain lines otherwise (logs, CI, pipes). */
export interface ProgressReporter {
  update(metrics: StepMetrics): void;
  /**
   * Prints text (a detector's warning, a rescue decision) while the display runs: on a terminal it goes
   * above the bar, whole and wrapped by the terminal, and the bar is drawn again under it. Anything
   * printed to the stream while the bar is shown must go through here.
   */
  log(text: string): void;
  /** Ends the display (the bar stays as last drawn); nothing redraws it afterwards. Idempotent. */
  stop(): void;
}

export interface ProgressOptions {
  readonly totalSteps: number;
  readonly startStep: number;
  /** Where to draw; default process.stdout. */
  readonly stream?: NodeJS.WriteStream | undefined;
  /** Force the plain-line mode (default: plain when the stream is not a TTY). */
  readonly plain?: boolean | undefined;
  /** Plain mode prints a line every N steps (default: ~50 lines per run, at least every step 1..). */
  readonly every?: number | undefined;
}

function fmt(x: number | null, digits = 3): string {
  return x === null ? '-' : Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Smoothed images/s (exponential moving average) so the display does not jitter. */
function smoother(): (x: number) => number {
  let avg: number | undefined;
  return (x) => {
    avg = avg === undefined ? x : 0.9 * avg + 0.1 * x;
    return avg;
  };
}

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stdout;
  const plain = options.plain ?? !stream.isTTY;
  const ips = smoother();
  const started = performance.now();
  const remaining = options.totalSteps - options.startStep;
  const eta = (step: number): number => {
    const done = step - options.startStep;
    const elapsed = (performance.now() - started) / 1000;
    return done > 0 ? (elapsed / done) * (options.totalSteps - step) : NaN;
  };

  const line = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

  if (plain) {
    const every = options.every ?? Math.max(1, Math.round(remaining / 50));
    return {
      log(text) {
        stream.write(line(text));
      },
      update(m) {
        const speed = ips(m.imagesPerSec);
        if (m.step % every !== 0 && m.step !== options.totalSteps && m.step !== options.startStep + 1) return;
        stream.write(
          `step ${m.step}/${options.totalSteps} epoch ${m.epoch} | D real ${fmt(m.dLossReal)} fake ${fmt(m.dLossFake)} | ` +
            `G ${fmt(m.gLoss)} | D(x) ${fmt(m.dReal, 2)} D(G(z)) ${fmt(m.dFake, 2)} | ${speed.toFixed(0)} img/s | ETA ${formatSeconds(eta(m.step))}\n`,
        );
      },
      stop() {},
    };
  }

  // A MultiBar with one bar: it prints logged text above the bar (a SingleBar has no way to). The
  // terminal keeps wrapping lines (linewrap: true trims the bar itself to the width instead of turning
  // the terminal's wrapping off, which would cut every other line), and the bar is redrawn on every
  // frame, as a log clears its line.
  const bars = new cliProgress.MultiBar(
    {
      format:
        '{bar} {value}/{total} | epoch {epoch} | ETA {etaText} | {ips} img/s | D real {dReal} fake {dFake} | G {gLoss}',
      hideCursor: true,
      stream,
      fps: 5,
      etaBuffer: 50,
      linewrap: true,
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(options.totalSteps, options.startStep, {
    epoch: 0,
    etaText: '?',
    ips: '-',
    dReal: '-',
    dFake: '-',
    gLoss: '-',
  });
  let stopped = false;
  return {
    log(text) {
      if (stopped) {
        stream.write(line(text));
        return;
      }
      bars.log(line(text));
      bars.update(); // now: clear the bar's line, write the text, draw the bar under it
    },
    update(m) {
      if (stopped) return;
      bar.update(m.step, {
        epoch: m.epoch,
        etaText: formatSeconds(eta(m.step)),
        ips: ips(m.imagesPerSec).toFixed(0),
        dReal: fmt(m.dLossReal),
        dFake: fmt(m.dLossFake),
        gLoss: fmt(m.gLoss),
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bars.stop();
    },
  };
}
