/**
 * `ganforge ablate <suite> --emit kubernetes`: the plan as one Kubernetes Indexed Job. Pod i runs
 * `ganforge ablate <suite> --out <results>/<suite> --index i`, so every variant x seed trains on its own
 * pod and writes its own <out>/runs/<id>/ on a shared volume; `ganforge ablate <suite> --collect <out>`
 * then builds the report from that volume. A pure function of the plan: nothing here talks to a cluster.
 */
import YAML from 'yaml';
import type { AblationPlan } from './types.ts';

export interface KubernetesJobOptions {
  /** Path of the suite file inside the image, relative to its WORKDIR (/app). */
  readonly suiteFile: string;
  /** The image: the Dockerfile's `trainer` target (docker build --target trainer). */
  readonly image: string;
  /** PersistentVolumeClaim the results go to (ReadWriteMany when pods land on several nodes). */
  readonly resultsClaim: string;
  /** Where the claim is mounted in the container, e.g. /results; the suite writes to <resultsPath>/<suite>. */
  readonly resultsPath: string;
  /** Pods at once (at most the number of runs). */
  readonly parallelism: number;
  /** CPU request and limit per pod, a Kubernetes quantity ("2", "1500m"). */
  readonly cpu: string;
  /** Memory request and limit per pod, a Kubernetes quantity ("4Gi"). */
  readonly memory: string;
  /** The Job's name (made DNS-1123); default `ablate-<suite name>`. */
  readonly name?: string | undefined;
  /** Retries of one run before its index counts as failed (default 2). */
  readonly backoffLimitPerIndex?: number | undefined;
  /** Failed runs after which the whole Job stops; default unset: every run is tried, --collect reports the gaps. */
  readonly maxFailedIndexes?: number | undefined;
  /** Seconds a finished Job (and its pods' logs) stays before Kubernetes deletes it (default 7 days). */
  readonly ttlSecondsAfterFinished?: number | undefined;
}

/** The image's non-root user (Dockerfile: useradd --uid 10001); fsGroup makes the volume writable for it. */
export const TRAINER_UID = 10001;
/** The Dockerfile target the Job's image is built from. */
export const TRAINER_TARGET = 'trainer';
/** Kubernetes sets this env var in every pod of an Indexed Job; the Job also declares it (downward API). */
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/**
 * Longest Job name: pods are named `<job>-<index>-<random 5>` and their hostname `<job>-<index>`, both
 * DNS-1123 labels (63 characters): 52 leaves room for the index and the suffix.
 */
export const MAX_JOB_NAME = 52;
const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
const CLI = ['node', 'packages/cli/bin/ganforge.mjs'] as const;

/** `s` as a DNS-1123 label of at most `max` characters: lowercase, [a-z0-9-], alphanumeric at both ends. */
export function dns1123Label(s: string, max = 63): string {
  const label = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
  if (label === '') throw new Error(`cannot make a DNS-1123 name of ${JSON.stringify(s)}`);
  return label;
}

/** A label value (63 characters of [A-Za-z0-9_.-], alphanumeric at both ends). */
function labelValue(s: string): string {
  return s
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The number of whole cores a CPU quantity is ("2", "2000m"), or undefined ("1500m", "0.5"). */
function wholeCores(cpu: string): number | undefined {
  const m = /^(\d+)(m?)$/.exec(cpu.trim());
  if (!m) return undefined;
  const milli = m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
  return milli > 0 && milli % 1000 === 0 ? milli / 1000 : undefined;
}

function positiveInteger(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, not ${n}`);
  return n;
}

/** The Job's name: options.name, else `ablate-<suite>`, as a DNS-1123 label of at most 52 characters. */
export function kubernetesJobName(plan: AblationPlan, name?: string): string {
  return dns1123Label(name ?? `ablate-${plan.suite.name}`, MAX_JOB_NAME);
}

/** The suite's result folder on the volume: <resultsPath>/<suite name>. */
export function kubernetesResultsDir(plan: AblationPlan, resultsPath: string): string {
  const suite = plan.suite.name;
  if (suite === '' || suite === '.' || suite === '..' || suite.includes('/'))
    throw new Error(`suite name ${JSON.stringify(suite)} cannot name a folder`);
  return `${resultsPath.replace(/\/+$/, '')}/${suite}`;
}

/** The plan as a batch/v1 Indexed Job: one completion per planned run, index i = plan.runs[i]. */
export function kubernetesJob(plan: AblationPlan, options: KubernetesJobOptions): Record<string, unknown> {
  const completions = plan.runs.length;
  if (completions === 0) throw new Error(`suite ${plan.suite.name} plans no runs`);
  plan.runs.forEach((run, i) => {
    if (run.index !== i)
      throw new Error(`plan.runs[${i}] has index ${run.index}: the Job's index is the position`);
  });
  if (!options.resultsPath.startsWith('/'))
    throw new Error(`resultsPath must be absolute, not ${options.resultsPath}`);
  const parallelism = Math.min(positiveInteger('parallelism', options.parallelism), completions);
  const backoffLimitPerIndex = options.backoffLimitPerIndex ?? 2;
  if (!Number.isInteger(backoffLimitPerIndex) || backoffLimitPerIndex < 0)
    throw new Error(`backoffLimitPerIndex must be a non-negative integer, not ${backoffLimitPerIndex}`);
  const maxFailedIndexes = options.maxFailedIndexes;
  if (
    maxFailedIndexes !== undefined &&
    (!Number.isInteger(maxFailedIndexes) || maxFailedIndexes < 0 || maxFailedIndexes > completions)
  )
    throw new Error(`maxFailedIndexes must be an integer in [0, ${completions}], not ${maxFailedIndexes}`);

  const name = kubernetesJobName(plan, options.name);
  const out = kubernetesResultsDir(plan, options.resultsPath);
  const labels = {
    'app.kubernetes.io/name': 'ganforge',
    'app.kubernetes.io/component': 'ablation',
    'ganforge.dev/suite': labelValue(plan.suite.name),
  };
  const cores = wholeCores(options.cpu);
  const resources = { cpu: options.cpu, memory: options.memory };

  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels,
      annotations: {
        'ganforge.dev/suite-file': options.suiteFile,
        'ganforge.dev/results': out,
      },
    },
    spec: {
      completionMode: 'Indexed',
      completions,
      parallelism,
      // Per index: a failed run is retried on its own, and the others go on.
      backoffLimitPerIndex,
      ...(maxFailedIndexes !== undefined ? { maxFailedIndexes } : {}),
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? DEFAULT_TTL_SECONDS,
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: TRAINER_UID,
            runAsGroup: TRAINER_UID,
            fsGroup: TRAINER_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'ablate',
              image: options.image,
              imagePullPolicy: 'IfNotPresent',
              workingDir: '/app',
              command: [...CLI],
              args: [
                'ablate',
                options.suiteFile,
                '--out',
                out,
                '--index',
                `$(${COMPLETION_INDEX_ENV})`,
                '--jobs',
                '1',
              ],
              env: [
                // Declared so that $(JOB_COMPLETION_INDEX) in args is expanded (Kubernetes expands only
                // variables the container declares); the value is the one the Job controller sets.
                {
                  name: COMPLETION_INDEX_ENV,
                  valueFrom: {
                    fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` },
                  },
                },
                // Node sees the node's cores, not the CPU limit: size XNNPACK's threads to the limit.
                ...(cores !== undefined ? [{ name: 'GANFORGE_WASM_THREADS', value: String(cores) }] : []),
              ],
              resources: { requests: { ...resources }, limits: { ...resources } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'results', mountPath: options.resultsPath },
                // tsx compiles the TypeScript sources into /tmp; the root filesystem is read-only.
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'results', persistentVolumeClaim: { claimName: options.resultsClaim } },
            { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
          ],
        },
      },
    },
  };
}

/** kubernetesJob as a YAML document, with a comment saying how to build the image, apply it and collect. */
export function kubernetesJobYaml(plan: AblationPlan, options: KubernetesJobOptions): string {
  const job = kubernetesJob(plan, options);
  const name = kubernetesJobName(plan, options.name);
  const out = kubernetesResultsDir(plan, options.resultsPath);
  const doc = new YAML.Document(job, { aliasDuplicateObjects: false });
  const retries = options.backoffLimitPerIndex ?? 2;
  doc.commentBefore = [
    ` ganforge ablation "${plan.suite.name}" (${options.suiteFile}) as one Indexed Job: ${plan.runs.length} runs`,
    ` (${plan.variants.length} variants x ${plan.seeds.length} seeds, ${plan.budget.steps} steps each). Pod i trains and evaluates run i`,
    ` of the plan and writes ${out}/runs/<variant>--seed-<seed>/ on the results volume.`,
    '',
    ` 1. Build the image from the repository's Dockerfile, target \`${TRAINER_TARGET}\` (the default target is the`,
    `    serve image: no Fashion-MNIST data), with the suite file in the build context, and push it where`,
    `    the cluster pulls from:`,
    `      docker build --target ${TRAINER_TARGET} -t ${options.image} .`,
    ` 2. Create the PersistentVolumeClaim "${options.resultsClaim}" in the Job's namespace (ReadWriteMany when`,
    `    pods may land on several nodes); the Job mounts it at ${options.resultsPath}.`,
    ` 3. Save this file as ${name}.yaml, apply it and wait for every run. A failed run is retried`,
    `    ${retries} times on its own; one that still fails is listed in the Job's .status.failedIndexes, and`,
    `    the Job ends Failed (not Complete) once the other runs are done:`,
    `      kubectl apply -f ${name}.yaml`,
    `      kubectl wait --for=condition=complete --timeout=24h job/${name}`,
    ` 4. Build the report from the volume's contents: in a pod of this image that mounts the claim,`,
    `      ganforge ablate ${options.suiteFile} --collect ${out}`,
    `    or copy ${out} out (kubectl cp from such a pod) and run, in a checkout with the suite file,`,
    `      ganforge ablate ${options.suiteFile} --collect ./${plan.suite.name}`,
    `    A run that never finished shows in the report as incomplete.`,
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
