/**
 * `--emit kubernetes`: the Indexed Job validates against the Kubernetes API schemas (kubernetes-models),
 * runs index i of the plan per pod with the index expanded from a declared env var, mounts the results
 * claim, and names a Dockerfile target that exists. Each check is shown to bite on a broken copy.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1/Job';
import YAML from 'yaml';
import {
  COMPLETION_INDEX_ANNOTATION,
  MAX_JOB_NAME,
  TRAINER_TARGET,
  kubernetesJob,
  kubernetesJobName,
  kubernetesJobYaml,
  type KubernetesJobOptions,
} from './kubernetes-job.ts';
import type { AblationPlan, PlannedRun } from './types.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DNS1123_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function plan(name = 'bn-in-d'): AblationPlan {
  const variants = ['baseline', 'no-bn'];
  const seeds = [1, 2];
  const runs: PlannedRun[] = variants.flatMap((variant, v) =>
    seeds.map((seed, s) => ({
      index: v * seeds.length + s,
      id: `${variant}--seed-${seed}`,
      variant,
      seed,
      config: { seed, train: { steps: 200 } },
      evalSteps: [100, 200],
    })),
  );
  return {
    suite: {
      name,
      description: 'batch norm in the discriminator',
      claim: 'BN in D helps',
      source: 'a paper',
      file: 'suites/bn-in-d.yaml',
    },
    variants: variants.map((n) => ({ name: n, description: n, set: [] })),
    seeds,
    budget: { steps: 200 },
    evaluation: { samples: 1000, seed: 7, every: 100 },
    runs,
  };
}

const OPTIONS: KubernetesJobOptions = {
  suiteFile: 'suites/bn-in-d.yaml',
  image: 'registry.example/ganforge-trainer:0.1.0',
  resultsClaim: 'ganforge-results',
  resultsPath: '/results',
  parallelism: 3,
  cpu: '2',
  memory: '4Gi',
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath?: string } };
}
interface JobShape {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    backoffLimitPerIndex?: number;
    maxFailedIndexes?: number;
    ttlSecondsAfterFinished?: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        restartPolicy: string;
        containers: {
          command: string[];
          args: string[];
          env: EnvVar[];
          resources: { requests: Record<string, string>; limits: Record<string, string> };
          volumeMounts: { name: string; mountPath: string }[];
        }[];
        volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
      };
    };
  };
}
const shape = (o: Record<string, unknown>) => o as unknown as JobShape;
const container = (o: Record<string, unknown>) => shape(o).spec.template.spec.containers[0]!;

describe('kubernetesJob', () => {
  it('validates against the batch/v1 Job schema', () => {
    const job = kubernetesJob(plan(), OPTIONS);
    expect(() => new Job(job).validate()).not.toThrow();
  });

  it('the validation bites: a broken Job throws', () => {
    const broken = structuredClone(kubernetesJob(plan(), OPTIONS)) as unknown as {
      spec: Record<string, unknown>;
    };
    broken.spec.completions = '4';
    expect(() => new Job(broken as unknown as Record<string, unknown>).validate()).toThrow(/completions/);
    const badMode = structuredClone(kubernetesJob(plan(), OPTIONS)) as unknown as {
      spec: Record<string, unknown>;
    };
    badMode.spec.completionMode = 'Sharded';
    expect(() => new Job(badMode as unknown as Record<string, unknown>).validate()).toThrow();
  });

  it('is an Indexed Job with one completion per planned run, retried per index', () => {
    const job = shape(kubernetesJob(plan(), OPTIONS));
    expect(job.spec.completions).toBe(4);
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.parallelism).toBe(3);
    expect(job.spec.backoffLimitPerIndex).toBe(2);
    expect(job.spec.maxFailedIndexes).toBeUndefined();
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // More parallelism than runs is capped at the runs.
    expect(shape(kubernetesJob(plan(), { ...OPTIONS, parallelism: 10 })).spec.parallelism).toBe(4);
    expect(() => kubernetesJob(plan(), { ...OPTIONS, parallelism: 0 })).toThrow(/parallelism/);
    expect(() => kubernetesJob(plan(), { ...OPTIONS, maxFailedIndexes: 5 })).toThrow(/maxFailedIndexes/);
    expect(shape(kubernetesJob(plan(), { ...OPTIONS, maxFailedIndexes: 1 })).spec.maxFailedIndexes).toBe(1);
  });

  it('runs `ganforge ablate <suite> --out <results>/<suite> --index $(JOB_COMPLETION_INDEX) --jobs 1`', () => {
    const c = container(kubernetesJob(plan(), OPTIONS));
    expect([...c.command, ...c.args]).toEqual([
      'node',
      'packages/cli/bin/ganforge.mjs',
      'ablate',
      'suites/bn-in-d.yaml',
      '--out',
      '/results/bn-in-d',
      '--index',
      '$(JOB_COMPLETION_INDEX)',
      '--jobs',
      '1',
    ]);
    expect(c.args).toContain('--index');
    expect(c.args).toContain('$(JOB_COMPLETION_INDEX)');
    // Kubernetes expands $(VAR) in args only for variables the container declares.
    const index = c.env.find((e) => e.name === 'JOB_COMPLETION_INDEX');
    expect(index?.valueFrom?.fieldRef?.fieldPath).toBe(
      `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']`,
    );
    expect(COMPLETION_INDEX_ANNOTATION).toBe('batch.kubernetes.io/job-completion-index');
    const declared = new Set(c.env.map((e) => e.name));
    for (const [, v] of [...c.args.join(' ').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)])
      expect(declared, `$(${v}) is declared`).toContain(v);
  });

  it('mounts the results claim, sizes cpu/memory and the wasm threads, and labels the suite', () => {
    const job = shape(kubernetesJob(plan(), OPTIONS));
    const c = container(job as unknown as Record<string, unknown>);
    const mount = c.volumeMounts.find((m) => m.mountPath === '/results');
    expect(mount).toBeDefined();
    const volume = job.spec.template.spec.volumes.find((v) => v.name === mount!.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe('ganforge-results');
    expect(c.resources.requests).toEqual({ cpu: '2', memory: '4Gi' });
    expect(c.resources.limits).toEqual({ cpu: '2', memory: '4Gi' });
    expect(c.env.find((e) => e.name === 'GANFORGE_WASM_THREADS')?.value).toBe('2');
    // Not a whole number of cores: no thread count is set (the backend picks one).
    const half = container(kubernetesJob(plan(), { ...OPTIONS, cpu: '1500m' }));
    expect(half.env.some((e) => e.name === 'GANFORGE_WASM_THREADS')).toBe(false);
    const milli = container(kubernetesJob(plan(), { ...OPTIONS, cpu: '4000m' }));
    expect(milli.env.find((e) => e.name === 'GANFORGE_WASM_THREADS')?.value).toBe('4');
    for (const labels of [job.metadata.labels, job.spec.template.metadata.labels])
      expect(labels).toEqual({
        'app.kubernetes.io/name': 'ganforge',
        'app.kubernetes.io/component': 'ablation',
        'ganforge.dev/suite': 'bn-in-d',
      });
  });

  it('names the Job as a DNS-1123 label with room for the index suffix', () => {
    expect(kubernetesJobName(plan())).toBe('ablate-bn-in-d');
    const odd = plan('My_Suite__V2');
    const job = shape(kubernetesJob(odd, OPTIONS));
    expect(job.metadata.name).toBe('ablate-my-suite-v2');
    expect(job.metadata.name).toMatch(DNS1123_LABEL);
    expect(job.metadata.labels['ganforge.dev/suite']).toMatch(LABEL_VALUE);
    expect(() => new Job(job as unknown as Record<string, unknown>).validate()).not.toThrow();
    const long = kubernetesJobName(plan(`Very_Long_${'x'.repeat(60)}_-_`));
    expect(long.length).toBeLessThanOrEqual(MAX_JOB_NAME);
    expect(MAX_JOB_NAME).toBeLessThanOrEqual(52);
    expect(long).toMatch(DNS1123_LABEL);
    expect(kubernetesJobName(plan(), 'Nightly.Run')).toBe('nightly-run');
    // The regex itself bites.
    expect('My_Suite').not.toMatch(DNS1123_LABEL);
  });
});

describe('kubernetesJobYaml', () => {
  it('parses back to the same object, after a comment on building, applying and collecting', () => {
    const text = kubernetesJobYaml(plan(), OPTIONS);
    expect(YAML.parse(text)).toEqual(kubernetesJob(plan(), OPTIONS));
    // Plain YAML, no anchors or aliases for a reader (or kubectl diff) to resolve.
    expect(text).not.toMatch(/(^|\s)[&*]a\d+\b/m);
    const comment = text
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .join('\n');
    expect(comment).toContain(`--target ${TRAINER_TARGET}`);
    expect(comment).toContain('kubectl apply -f ablate-bn-in-d.yaml');
    expect(comment).toContain('ganforge ablate suites/bn-in-d.yaml --collect');
    // The comment comes first: the document starts with it.
    expect(text.startsWith('#')).toBe(true);
  });

  it("names a target the repository's Dockerfile builds, not its default (last) stage", () => {
    const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
    const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)\s*$/gim)].map((m) => m[1]);
    expect(stages).toContain(TRAINER_TARGET);
    expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${TRAINER_TARGET}$`, 'm'));
    expect(stages.at(-1)).toBe('runtime');
    // The target runs the CLI the Job's command names.
    const trainer = dockerfile.slice(dockerfile.search(new RegExp(`AS ${TRAINER_TARGET}$`, 'm')));
    const stage = trainer.slice(0, trainer.search(/^FROM /m) === -1 ? undefined : trainer.search(/^FROM /m));
    expect(stage).toContain('ENTRYPOINT ["node", "packages/cli/bin/ganforge.mjs"]');
    expect(stage).toContain('dataset-fashion-mnist');
  });
});
