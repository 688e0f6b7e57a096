/** What `train` and `trainSupervised` take to be interrupted: an abort signal and a per-step hook. */
export interface Interruption {
  signal: AbortSignal;
  onStep: (metrics: { step: number }) => void;
}

/**
 * Interrupts a run once it has taken `step` steps (and `when()` holds, if given), as Ctrl-C would:
 * spread into the run's options, `train({ config, out, ...interruptAt(3) })`.
 */
export function interruptAt(step: number, when: () => boolean = () => true): Interruption {
  const abort = new AbortController();
  return {
    signal: abort.signal,
    onStep: (metrics) => {
      if (when() && metrics.step === step) abort.abort();
    },
  };
}
