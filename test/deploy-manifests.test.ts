/**
 * deploy/: the Kubernetes manifests (deploy/k8s) and the KServe InferenceServices (deploy/kserve).
 * Every Kubernetes object validates against the Kubernetes API schemas (kubernetes-models); KServe's
 * CRD schema is not published on npm, so its resources are checked for the fields KServe's docs and
 * controller require, and their Kubernetes parts (pod spec, containers) against the Kubernetes schemas.
 * The drain timing is checked against the server's settings table, the flags against `ganforge serve`
 * itself, and the probe paths against a running server, so none of them can drift from the code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Container as K8sContainer } from 'kubernetes-models/v1/Container';
import { PodSpec as K8sPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Service } from 'kubernetes-models/v1/Service';
import { buildProgram } from '@ganforge/cli';
import { createServer } from '@ganforge/serve';
import { SERVE_SETTINGS } from '@ganforge/serve/settings';
import { writeTinyModel } from '@ganforge/serve/testing';
import YAML from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');

// ---- loading ---------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Obj;
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
  periodSeconds?: number;
  failureThreshold?: number;
}
interface ContainerSpec {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds?: number } } };
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpecLike {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number };
  containers: ContainerSpec[];
  volumes?: { name: string; emptyDir?: unknown }[];
}

function loadDir(dir: string): Manifest[] {
  const out: Manifest[] = [];
  for (const name of readdirSync(join(DEPLOY, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const file = `${dir}/${name}`;
    for (const doc of YAML.parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const js = doc.toJS();
      if (js === null || js === undefined) continue;
      out.push({ file, ...(js as Omit<Manifest, 'file'>) });
    }
  }
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);
const k8s = () => loadDir('k8s');
const kserve = () => loadDir('kserve');
function one(list: Manifest[], kind: string, name?: string): Manifest {
  const found = list.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
}
const podSpecOf = (deployment: Manifest) => (deployment.spec.template as { spec: PodSpecLike }).spec;
const customPredictor = (list = kserve()) => one(list, 'InferenceService', 'ganforge');
const tritonService = (list = kserve()) => one(list, 'InferenceService', 'ganforge-triton');
/** A KServe custom predictor inlines a pod spec (plus KServe's component fields). */
const predictorOf = (isvc: Manifest) => isvc.spec.predictor as PodSpecLike & Obj;

// ---- checks (each returns the problems it found, so a broken copy can show that it bites) ----------

const DOCKERFILE_UID = (() => {
  const m = /^USER\s+(\d+)(?::(\d+))?\s*$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  return m ? Number(m[1]) : undefined;
})();

/** A CPU or memory quantity in cores or bytes ("500m", "2", "1Gi", "512M"). */
function quantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const scale: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (m[2] ? scale[m[2]]! : 1);
}

/** The value after `flag` in args (`--flag v` or `--flag=v`). */
function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i]!.startsWith(`${flag}=`)) return args[i]!.slice(flag.length + 1);
  }
  return undefined;
}

/** The container's port for a probe: a number, or the name of one of its ports. */
function probePort(c: ContainerSpec, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** Probes: startup and liveness on /healthz, readiness on /v2/health/ready, all on the serving port. */
function probeProblems(c: ContainerSpec): string[] {
  const problems: string[] = [];
  const servingPort = Number(flagValue(c.args ?? [], '--port'));
  const want = { startupProbe: '/healthz', livenessProbe: '/healthz', readinessProbe: '/v2/health/ready' };
  for (const [kind, path] of Object.entries(want) as [keyof typeof want, string][]) {
    const probe = c[kind];
    if (!probe?.httpGet) {
      problems.push(`${c.name}: no ${kind}.httpGet`);
      continue;
    }
    if (probe.httpGet.path !== path)
      problems.push(`${c.name}: ${kind} on ${probe.httpGet.path}, not ${path}`);
    const port = probePort(c, probe.httpGet.port);
    if (port !== servingPort)
      problems.push(`${c.name}: ${kind} on port ${port}, the server on ${servingPort}`);
  }
  return problems;
}

/** Seconds the preStop hook holds the pod before SIGTERM (an exec `sleep N` or the sleep action). */
function preStopSeconds(c: ContainerSpec): number {
  const hook = c.lifecycle?.preStop;
  if (hook?.sleep?.seconds !== undefined) return hook.sleep.seconds;
  const cmd = hook?.exec?.command ?? [];
  if (cmd[0] === 'sleep' && cmd.length === 2 && /^\d+$/.test(cmd[1]!)) return Number(cmd[1]);
  throw new Error(`${c.name}: preStop is not a plain sleep (${JSON.stringify(hook)})`);
}

/** Time the server may spend draining: its --drain-timeout-ms if given, else the settings default. */
function drainSeconds(c: ContainerSpec): number {
  const given = flagValue(c.args ?? [], '--drain-timeout-ms');
  return (given === undefined ? SERVE_SETTINGS.drainTimeoutMs.default : Number(given)) / 1000;
}

/** Headroom after the drain: worker threads and sessions close after the last connection. */
const SHUTDOWN_HEADROOM_S = 5;

/** Kubernetes kills the pod terminationGracePeriodSeconds after the preStop hook starts. */
function graceProblems(pod: PodSpecLike, c: ContainerSpec): string[] {
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  let preStop: number;
  try {
    preStop = preStopSeconds(c);
  } catch (e) {
    return [(e as Error).message];
  }
  if (preStop < 1) return [`${c.name}: preStop sleeps ${preStop}s: endpoints need time to drop the pod`];
  const need = preStop + drainSeconds(c) + SHUTDOWN_HEADROOM_S;
  return grace >= need
    ? []
    : [
        `${c.name}: grace ${grace}s < preStop ${preStop}s + drain ${drainSeconds(c)}s + ${SHUTDOWN_HEADROOM_S}s`,
      ];
}

/** Requests and limits for cpu and memory, requests within limits, session threads within the CPU limit. */
function resourceProblems(c: {
  name?: string;
  args?: string[];
  resources?: ContainerSpec['resources'];
}): string[] {
  const problems: string[] = [];
  const { requests = {}, limits = {} } = c.resources ?? {};
  for (const r of ['cpu', 'memory']) {
    if (requests[r] === undefined) problems.push(`${c.name}: no ${r} request`);
    if (limits[r] === undefined) problems.push(`${c.name}: no ${r} limit`);
    if (requests[r] !== undefined && limits[r] !== undefined && quantity(requests[r]) > quantity(limits[r]))
      problems.push(`${c.name}: ${r} request above its limit`);
  }
  if (c.args?.[0] === 'serve' && limits.cpu !== undefined) {
    // os.availableParallelism() sees the node's cores, not the limit: workers and threads must be set.
    const workers = Number(flagValue(c.args, '--workers') ?? 0);
    const threads = Number(flagValue(c.args, '--threads') ?? 0);
    if (workers < 1 || threads < 1)
      problems.push(`${c.name}: --workers and --threads not set for the CPU limit`);
    else if (workers * threads > Math.ceil(quantity(limits.cpu)))
      problems.push(`${c.name}: ${workers} workers x ${threads} threads > CPU limit ${limits.cpu}`);
  }
  return problems;
}

/** Non-root as the image's user, read-only root filesystem with /tmp (tsx's cache) writable. */
function securityProblems(pod: PodSpecLike, c: ContainerSpec): string[] {
  const problems: string[] = [];
  if (pod.securityContext?.runAsNonRoot !== true) problems.push('pod: runAsNonRoot is not true');
  if (pod.securityContext?.runAsUser !== DOCKERFILE_UID)
    problems.push(
      `pod: runAsUser ${pod.securityContext?.runAsUser}, the Dockerfile's USER ${DOCKERFILE_UID}`,
    );
  const sc = c.securityContext ?? {};
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation not false`);
  if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${c.name}: capabilities not dropped`);
  if (sc.readOnlyRootFilesystem === true) {
    const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
    if (!tmp || !pod.volumes?.some((v) => v.name === tmp.name && v.emptyDir !== undefined))
      problems.push(`${c.name}: read-only root filesystem without an emptyDir at /tmp`);
  }
  return problems;
}

/** The container runs `ganforge serve` on all interfaces, on its declared port, with flags serve accepts. */
function argsProblems(c: ContainerSpec, serveFlags: ReadonlySet<string>): string[] {
  const args = c.args ?? [];
  const problems: string[] = [];
  if (args[0] !== 'serve') problems.push(`${c.name}: args do not start with serve`);
  if (flagValue(args, '--host') !== '0.0.0.0') problems.push(`${c.name}: --host is not 0.0.0.0`);
  const port = Number(flagValue(args, '--port'));
  if (!c.ports?.some((p) => p.containerPort === port))
    problems.push(`${c.name}: --port ${port} not a containerPort`);
  for (const a of args.filter((x) => x.startsWith('--')))
    if (!serveFlags.has(a.split('=')[0]!)) problems.push(`${c.name}: ganforge serve has no ${a}`);
  return problems;
}

/** Every long flag `ganforge serve` accepts, from the CLI's own command tree. */
function serveFlags(): Set<string> {
  const serve = buildProgram().commands.find((c) => c.name() === 'serve');
  if (!serve) throw new Error('no serve command');
  return new Set(serve.options.map((o) => o.long).filter((l): l is string => typeof l === 'string'));
}

// ---- Kubernetes --------------------------------------------------------------------------------------

const MODELS = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
} as const;

describe('deploy/k8s: Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget', () => {
  it('holds exactly those objects, each valid against the Kubernetes API schema', () => {
    const list = k8s();
    expect(list.map((m) => `${m.apiVersion} ${m.kind}`).sort()).toEqual(Object.keys(MODELS).sort());
    for (const m of list) {
      const Model = MODELS[`${m.apiVersion} ${m.kind}` as keyof typeof MODELS];
      const { file: _file, ...object } = m;
      expect(() => new Model(object as never).validate(), m.file).not.toThrow();
    }
  });

  it('schema validation is live: a malformed Deployment is rejected', () => {
    const { file: _file, ...d } = clone(one(k8s(), 'Deployment'));
    const c = (d.spec.template as { spec: PodSpecLike }).spec.containers[0]!;
    c.readinessProbe = { httpGet: { path: '/v2/health/ready' } }; // port is required
    (c.resources!.limits as Record<string, unknown>).cpu = 'two cores';
    expect(() => new Deployment(d as never).validate()).toThrow(/port|quantity/);
  });

  it('probes: startup and liveness on /healthz, readiness on /v2/health/ready, on the serving port', () => {
    const pod = podSpecOf(one(k8s(), 'Deployment'));
    expect(pod.containers).toHaveLength(1);
    expect(probeProblems(pod.containers[0]!)).toEqual([]);
    const broken = clone(pod.containers[0]!);
    broken.readinessProbe!.httpGet!.path = '/readyz/';
    broken.livenessProbe!.httpGet!.port = 'metrics';
    expect(probeProblems(broken)).toHaveLength(2);
  });

  it('grace period covers preStop + the server drain timeout (settings table) + headroom', () => {
    const pod = podSpecOf(one(k8s(), 'Deployment'));
    const c = pod.containers[0]!;
    expect(drainSeconds(c)).toBe(SERVE_SETTINGS.drainTimeoutMs.default / 1000);
    expect(graceProblems(pod, c)).toEqual([]);
    expect(graceProblems({ ...pod, terminationGracePeriodSeconds: 15 }, c)).toHaveLength(1);
    const longDrain = clone(c);
    longDrain.args!.push('--drain-timeout-ms', '60000');
    expect(graceProblems(pod, longDrain)).toHaveLength(1);
    expect(graceProblems(pod, { ...c, lifecycle: {} })).toHaveLength(1);
  });

  it('resources: cpu and memory requests and limits, threads sized to the CPU limit', () => {
    const c = podSpecOf(one(k8s(), 'Deployment')).containers[0]!;
    expect(resourceProblems(c)).toEqual([]);
    const noLimit = clone(c);
    delete noLimit.resources!.limits!.memory;
    expect(resourceProblems(noLimit)).toEqual([`${c.name}: no memory limit`]);
    const tooMany = clone(c);
    tooMany.args = tooMany.args!.map((a, i, all) => (all[i - 1] === '--workers' ? '8' : a));
    expect(resourceProblems(tooMany)).toHaveLength(1);
  });

  it("security: non-root as the Dockerfile's USER, no escalation, read-only root with /tmp writable", () => {
    expect(DOCKERFILE_UID).toBeGreaterThan(0);
    const pod = podSpecOf(one(k8s(), 'Deployment'));
    expect(securityProblems(pod, pod.containers[0]!)).toEqual([]);
    expect(securityProblems({ ...pod, volumes: [] }, pod.containers[0]!)).toHaveLength(1);
  });

  it('args: `ganforge serve` on 0.0.0.0 and the declared port, with flags the CLI accepts', () => {
    const flags = serveFlags();
    expect(flags).toContain('--drain-timeout-ms');
    const c = podSpecOf(one(k8s(), 'Deployment')).containers[0]!;
    expect(argsProblems(c, flags)).toEqual([]);
    expect(flagValue(c.args!, '--models')).toBe('/app/models'); // baked into the image (Dockerfile)
    expect(argsProblems({ ...c, args: [...c.args!, '--max-batchsize', '8'] }, flags)).toHaveLength(1);
  });

  it('wiring: the Service and PDB select the pods, the Service targets the serving port, the HPA scales the Deployment', () => {
    const list = k8s();
    const deployment = one(list, 'Deployment');
    const podLabels = (deployment.spec.template as { metadata: { labels: Record<string, string> } }).metadata
      .labels;
    const selects = (selector: Record<string, string>) =>
      Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    expect(selects((deployment.spec.selector as { matchLabels: Record<string, string> }).matchLabels)).toBe(
      true,
    );

    const service = one(list, 'Service');
    expect(selects(service.spec.selector as Record<string, string>)).toBe(true);
    const c = podSpecOf(deployment).containers[0]!;
    const servingPort = Number(flagValue(c.args!, '--port'));
    for (const p of service.spec.ports as { targetPort: number | string }[])
      expect(probePort(c, p.targetPort)).toBe(servingPort);

    const pdb = one(list, 'PodDisruptionBudget');
    expect(selects((pdb.spec.selector as { matchLabels: Record<string, string> }).matchLabels)).toBe(true);

    const hpa = one(list, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas as number).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas as number).toBeGreaterThan(hpa.spec.minReplicas as number);
    // CPU utilization is a share of the request: the HPA needs one.
    expect(c.resources?.requests?.cpu).toBeDefined();
    // The HPA owns the replica count; an apply must not reset it.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(Number((pdb.spec.minAvailable as number) ?? 0)).toBeLessThan(hpa.spec.minReplicas as number);
  });

  it('the probe paths are served by the server: 200 once models are loaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ganforge-deploy-'));
    await writeTinyModel(dir, 'tiny');
    const server = createServer({
      modelsDir: dir,
      watch: false,
      logLevel: 'silent',
      workers: 1,
      intraOpThreads: 1,
    });
    try {
      await server.loaded;
      const { port } = await server.listen(0, '127.0.0.1');
      const c = podSpecOf(one(k8s(), 'Deployment')).containers[0]!;
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
        const res = await fetch(`http://127.0.0.1:${port}${probe!.httpGet!.path!}`);
        expect(res.status, probe!.httpGet!.path).toBe(200);
      }
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ---- KServe ------------------------------------------------------------------------------------------

/** What KServe knows (serving.kserve.io/v1beta1; pkg/constants and component.go in KServe). */
const KSERVE = {
  apiVersion: 'serving.kserve.io/v1beta1',
  deploymentModes: ['RawDeployment', 'Standard', 'Serverless', 'Knative'],
  scaleMetrics: ['cpu', 'memory', 'concurrency', 'rps'],
  /** The container KServe treats as the predictor, and the env vars it reads from it. */
  container: 'kserve-container',
  modelMount: '/mnt/models',
  /** ComponentExtensionSpec fields that sit beside the inlined pod spec in spec.predictor. */
  componentFields: [
    'minReplicas',
    'maxReplicas',
    'scaleMetric',
    'scaleTarget',
    'containerConcurrency',
    'timeout',
    'canaryTrafficPercent',
    'logger',
    'batcher',
    'labels',
    'annotations',
    'deploymentStrategy',
  ],
  /** Model-spec fields beside the container fields in spec.predictor.model. */
  modelFields: ['modelFormat', 'runtime', 'runtimeVersion', 'protocolVersion', 'storageUri', 'storage'],
} as const;
const PLACEHOLDER = /YOUR_BUCKET/;

function kserveCommonProblems(isvc: Manifest): string[] {
  const problems: string[] = [];
  if (isvc.apiVersion !== KSERVE.apiVersion) problems.push(`${isvc.file}: apiVersion ${isvc.apiVersion}`);
  if (isvc.kind !== 'InferenceService') problems.push(`${isvc.file}: kind ${isvc.kind}`);
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(isvc.metadata.name) || isvc.metadata.name.length > 45)
    problems.push(`${isvc.file}: name ${isvc.metadata.name} is not a short DNS-1035 label`);
  const mode = isvc.metadata.annotations?.['serving.kserve.io/deploymentMode'];
  if (mode !== undefined && !(KSERVE.deploymentModes as readonly string[]).includes(mode))
    problems.push(`${isvc.file}: deploymentMode ${mode}`);
  const p = isvc.spec.predictor as Obj | undefined;
  if (!p) return [...problems, `${isvc.file}: no spec.predictor`];
  if (
    p.scaleMetric !== undefined &&
    !(KSERVE.scaleMetrics as readonly string[]).includes(p.scaleMetric as string)
  )
    problems.push(`${isvc.file}: scaleMetric ${String(p.scaleMetric)}`);
  if ((p.minReplicas as number) > (p.maxReplicas as number))
    problems.push(`${isvc.file}: minReplicas > maxReplicas`);
  return problems;
}

describe('deploy/kserve: InferenceServices', () => {
  it('holds the custom v2 predictor and the Triton one, each with what KServe requires', () => {
    const list = kserve();
    expect(list.map((m) => m.metadata.name).sort()).toEqual(['ganforge', 'ganforge-triton']);
    for (const isvc of list) expect(kserveCommonProblems(isvc)).toEqual([]);
    const broken = clone(customPredictor(list));
    broken.apiVersion = 'serving.kubeflow.org/v1alpha2';
    broken.metadata.annotations!['serving.kserve.io/deploymentMode'] = 'Raw';
    expect(kserveCommonProblems(broken)).toHaveLength(2);
  });

  it('custom predictor: our image as kserve-container, PROTOCOL=v2, models from STORAGE_URI at /mnt/models', () => {
    const isvc = customPredictor();
    const p = predictorOf(isvc);
    // The inlined pod spec (less KServe's component fields) is a valid Kubernetes PodSpec.
    const podSpec = Object.fromEntries(
      Object.entries(p).filter(([k]) => !(KSERVE.componentFields as readonly string[]).includes(k)),
    );
    expect(() => new K8sPodSpec(podSpec as never).validate()).not.toThrow();
    expect(p.containers).toHaveLength(1);
    const c = p.containers[0]!;
    expect(c.name).toBe(KSERVE.container);
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    expect(env.PROTOCOL).toBe('v2');
    expect(env.STORAGE_URI).toMatch(/^(s3|gs|https?|pvc|hdfs|oci):\/\//);
    expect(flagValue(c.args!, '--models')).toBe(KSERVE.modelMount);
    // The same image, probes, drain timing, resources and security as the plain Deployment.
    const deploymentContainer = podSpecOf(one(k8s(), 'Deployment')).containers[0]!;
    expect(c.image).toBe(deploymentContainer.image);
    expect(c.image).not.toMatch(/:latest$|^[^:]+$/);
    expect(probeProblems(c)).toEqual([]);
    expect(graceProblems(p, c)).toEqual([]);
    expect(resourceProblems(c)).toEqual([]);
    expect(securityProblems(p, c)).toEqual([]);
    expect(argsProblems(c, serveFlags())).toEqual([]);
    // RawDeployment (Standard): Knative would reject the preStop hook and own the grace period.
    expect(['RawDeployment', 'Standard']).toContain(
      isvc.metadata.annotations?.['serving.kserve.io/deploymentMode'],
    );
  });

  it('Triton: modelFormat triton on the kserve-tritonserver runtime, protocol v2, a model repository storageUri', () => {
    const isvc = tritonService();
    const model = (isvc.spec.predictor as { model?: Obj }).model;
    expect(model).toBeDefined();
    expect(model!.modelFormat).toEqual({ name: 'triton', version: '2' });
    expect(model!.runtime).toBe('kserve-tritonserver');
    expect(model!.protocolVersion).toBe('v2');
    expect(model!.storageUri).toMatch(/^(s3|gs|https?|pvc|hdfs|oci):\/\//);
    // The container part of the model spec is a valid Kubernetes container.
    const container = Object.fromEntries(
      Object.entries(model!).filter(([k]) => !(KSERVE.modelFields as readonly string[]).includes(k)),
    );
    expect(() =>
      new K8sContainer({ name: KSERVE.container, ...container } as never).validate(),
    ).not.toThrow();
    expect(
      resourceProblems({ name: 'triton', resources: model!.resources as ContainerSpec['resources'] }),
    ).toEqual([]);
  });

  it('every storage placeholder is explained in deploy/README.md', () => {
    const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');
    const uris = [
      ...(predictorOf(customPredictor()).containers[0]!.env ?? [])
        .filter((e) => e.name === 'STORAGE_URI')
        .map((e) => e.value!),
      (tritonService().spec.predictor as { model: { storageUri: string } }).model.storageUri,
    ];
    expect(uris).toHaveLength(2);
    for (const uri of uris) {
      expect(uri).toMatch(PLACEHOLDER);
      expect(readme).toContain(uri);
    }
    expect(readme).toContain('ganforge triton');
  });
});
