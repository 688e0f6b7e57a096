/**
 * The shapes an ablation writes and reads: the plan of runs a suite expands to, what one finished run
 * yields, and ablation.json (every number of a suite, the exact configs, versions and machine).
 */

/** The quality numbers an ablation compares, as the evaluator names them (@ganforge/eval). */
export const ABLATION_METRICS = ['frechetDistance', 'classifierScore', 'classCoverage', 'recall'] as const;
export type AblationMetric = (typeof ABLATION_METRICS)[number];

/** Which way is better, per metric: FD lower, the others higher. */
export const LOWER_IS_BETTER: Readonly<Record<AblationMetric, boolean>> = {
  frechetDistance: true,
  classifierScore: false,
  classCoverage: false,
  recall: false,
};

/** One variant x seed of a suite: its own training run. */
export interface PlannedRun {
  /** Position in the plan (the Kubernetes Indexed Job's completion index). */
  readonly index: number;
  /** `<variant>--seed-<seed>`: the run's folder under <out>/runs/. */
  readonly id: string;
  readonly variant: string;
  readonly seed: number;
  /** The fully resolved training config (base + variant overrides + seed + budget). */
  readonly config: Record<string, unknown>;
  /** Checkpoint steps evaluated, ascending; the last is the run's final step. */
  readonly evalSteps: readonly number[];
}

/** How each run is evaluated (the protocol is the same for every run of a suite). */
export interface EvaluationPlan {
  /** Generated images per evaluation (and as many real test images). */
  readonly samples: number;
  /** Latent seed of the evaluation samples (the same for every run, so runs differ only by training). */
  readonly seed: number;
  /** Evaluate at every this-many steps and at the end. */
  readonly every: number;
}

/** A variant as the suite names it. */
export interface VariantPlan {
  readonly name: string;
  readonly description: string;
  /** `key.path=value` overrides on the base config, as given in the suite. */
  readonly set: readonly string[];
  /** A config file replacing the suite's base for this variant (relative to the suite), if any. */
  readonly config?: string | undefined;
}

/** The whole expansion of a suite: written to <out>/plan.json before any run starts. */
export interface AblationPlan {
  readonly suite: {
    readonly name: string;
    readonly description: string;
    /** The claim under test, in the source's words, and the source's title. */
    readonly claim: string;
    readonly source: string;
    /** The suite file as given on the command line. */
    readonly file: string;
  };
  readonly variants: readonly VariantPlan[];
  readonly seeds: readonly number[];
  /** Training budget of every run. */
  readonly budget: { readonly steps: number };
  readonly evaluation: EvaluationPlan;
  readonly runs: readonly PlannedRun[];
}

/** One evaluation of one run's checkpoint. */
export interface RunEvaluation {
  readonly step: number;
  readonly metrics: Readonly<Record<AblationMetric, number>>;
}

/** A detector event of a run (events.jsonl), cut to what the report shows. */
export interface RunEventSummary {
  readonly step: number;
  readonly detector: string;
  readonly severity: string;
  readonly message: string;
}

/** What one run of the plan yielded, read from its folder. */
export interface RunResult {
  readonly id: string;
  readonly variant: string;
  readonly seed: number;
  /** 'completed' when trained and evaluated at every planned step; else what is missing. */
  readonly status: 'completed' | 'incomplete';
  /** The run folder, relative to the ablation's result folder. */
  readonly runDir?: string | undefined;
  readonly evaluations: readonly RunEvaluation[];
  readonly events: readonly RunEventSummary[];
  /** The last sample grid the run wrote (PNG), relative to the result folder. */
  readonly finalGrid?: string | undefined;
  /** Seconds of training the run's metrics log records. */
  readonly trainSeconds?: number | undefined;
}

/** mean +- sample standard deviation (n - 1), min and max of one number over a variant's seeds. */
export interface Stat {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** One variant's numbers over its seeds. */
export interface VariantSummary {
  readonly name: string;
  /** At the final evaluated step, per metric. */
  readonly final: Readonly<Record<AblationMetric, Stat>> | undefined;
  /** At every evaluated step (the quality-vs-step curve), per metric. */
  readonly curve: readonly {
    readonly step: number;
    readonly stats: Readonly<Record<AblationMetric, Stat>>;
  }[];
  /** Detector events summed over the seeds, per detector. */
  readonly events: Readonly<Record<string, number>>;
  readonly completedRuns: number;
}

/** <out>/ablation.json. */
export interface AblationResult {
  readonly plan: AblationPlan;
  readonly runs: readonly RunResult[];
  readonly variants: readonly VariantSummary[];
  readonly versions: Readonly<Record<string, string>>;
  readonly machine: {
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
  };
  /** The command that reproduces every number here. */
  readonly command: string;
  readonly createdAt: string;
}
