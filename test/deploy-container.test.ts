/**
 * The Dockerfile and .dockerignore: linted here (multi-stage, pinned base, production dependencies only,
 * non-root, HEALTHCHECK on /healthz, SIGTERM, `serve --host 0.0.0.0`), and, where a container engine
 * (podman, or docker with a daemon) and a Node base image are at hand, built and run: probes, a v2
 * inference, the non-root user, a read-only root filesystem as in deploy/k8s, and a SIGTERM drain.
 *
 * The base image is $GANFORGE_NODE_IMAGE, else the Dockerfile's pinned one if the engine has it, else
 * localhost/ganforge-node-base:20 (deploy/container/node-base-from-debian.sh, for machines without a
 * registry). GANFORGE_CONTAINER_TEST=0 skips the build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '@ganforge/cli';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const DOCKERIGNORE = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  packageManager: string;
  engines: { node: string };
};

// ---- a small Dockerfile parser -----------------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
  line: number;
}
interface Stage {
  from: string;
  name?: string;
  body: Instruction[];
}
interface Parsed {
  globalArgs: Map<string, string>;
  stages: Stage[];
}

/** Instructions with continuation lines joined and comments dropped, as the Dockerfile reference reads them. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line) || (current === undefined && line.trim() === '')) return;
    const continues = /\\\s*$/.test(line);
    const part = continues ? line.replace(/\\\s*$/, '') : line;
    current = current
      ? { ...current, text: `${current.text} ${part.trim()}` }
      : { text: part.trim(), line: i + 1 };
    if (!continues) {
      const m = /^(\S+)\s*(.*)$/.exec(current.text)!;
      out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: current.line });
      current = undefined;
    }
  });
  return out;
}

function parseDockerfile(text: string): Parsed {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions(text)) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: cannot read FROM ${ins.args}`);
      stages.push({ from: m[1]!, ...(m[2] ? { name: m[2] } : {}), body: [] });
    } else if (stages.length === 0) {
      if (ins.op !== 'ARG') throw new Error(`line ${ins.line}: ${ins.op} before the first FROM`);
      const [k, v = ''] = ins.args.split('=', 2) as [string, string?];
      globalArgs.set(k, v);
    } else {
      stages.at(-1)!.body.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** A JSON-array (exec form) argument, or undefined for the shell form. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const v = JSON.parse(args) as unknown;
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}
const last = (stage: Stage, op: string) => stage.body.filter((i) => i.op === op).at(-1);
/** A stage and every stage it is built FROM, nearest first. */
function lineage(p: Parsed, stage: Stage): Stage[] {
  const chain = [stage];
  for (let s = stage; ;) {
    const parent = p.stages.find((x) => x.name === s.from);
    if (!parent || chain.includes(parent)) return chain;
    chain.push(parent);
    s = parent;
  }
}
const optionValue = (args: readonly string[], flag: string) => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
};

/** Every long flag `ganforge serve` accepts. */
function serveFlags(): Set<string> {
  const serve = buildProgram().commands.find((c) => c.name() === 'serve')!;
  return new Set(serve.options.map((o) => o.long).filter((l): l is string => typeof l === 'string'));
}

const PINNED_BASE = /^node:(\d+)\.(\d+)\.(\d+)-[a-z]+-slim@sha256:[0-9a-f]{64}$/;

/** What the issue asks of the Dockerfile; each problem is one line. */
function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  const p = parseDockerfile(text);
  const stageNames = new Set(p.stages.map((s) => s.name));
  const runtime = p.stages.at(-1);
  if (p.stages.length < 2 || !runtime) return ['not a multi-stage build'];

  // Base: pinned by version and digest, Node new enough for the workspace, the same for every stage.
  const base = p.globalArgs.get('NODE_IMAGE') ?? '';
  const pinned = PINNED_BASE.exec(base);
  if (!pinned) problems.push(`base image not pinned by version and digest: ${base || '(no ARG NODE_IMAGE)'}`);
  else {
    const [, want = '0', wantMinor = '0'] = /(\d+)\.(\d+)/.exec(PKG.engines.node) ?? [];
    const [major, minor] = [Number(pinned[1]), Number(pinned[2])];
    if (major < Number(want) || (major === Number(want) && minor < Number(wantMinor)))
      problems.push(`base Node ${pinned[1]}.${pinned[2]} below engines ${PKG.engines.node}`);
  }
  for (const s of p.stages)
    if (!stageNames.has(s.from) && s.from !== '${NODE_IMAGE}')
      problems.push(`stage ${s.name ?? '?'} FROM ${s.from}: not the pinned base or an earlier stage`);
  if (runtime.from !== '${NODE_IMAGE}') problems.push('the runtime stage is not a fresh base image');

  // pnpm: the workspace's version; every install from the frozen lockfile; one production-only install.
  const pnpmArg = p.stages
    .flatMap((s) => s.body)
    .find((i) => i.op === 'ARG' && i.args.startsWith('PNPM_VERSION='));
  const pnpmVersion = pnpmArg?.args.split('=')[1];
  if (`pnpm@${pnpmVersion}` !== PKG.packageManager)
    problems.push(`pnpm ${pnpmVersion}, the workspace's ${PKG.packageManager}`);
  const runs = (s: Stage) => s.body.filter((i) => i.op === 'RUN').map((i) => i.args);
  const installs = p.stages.flatMap((s) =>
    runs(s)
      .filter((r) => /\bpnpm install\b/.test(r))
      .map((r) => ({ s, r })),
  );
  for (const { r } of installs)
    if (!r.includes('--frozen-lockfile')) problems.push(`pnpm install without --frozen-lockfile: ${r}`);
  const prodStages = installs.filter(({ r }) => /--prod\b/.test(r)).map(({ s }) => s);
  if (prodStages.length !== 1)
    problems.push(`${prodStages.length} stages install production dependencies, not 1`);
  for (const { s } of installs) {
    const env = lineage(p, s).flatMap((x) => x.body.filter((i) => i.op === 'ENV').map((i) => i.args));
    if (!env.some((e) => /\bONNXRUNTIME_NODE_INSTALL=skip\b/.test(e)))
      problems.push(`stage ${s.name} installs without ONNXRUNTIME_NODE_INSTALL=skip`);
  }
  if (runs(runtime).some((r) => /\b(npm|pnpm|yarn)\b/.test(r)))
    problems.push('the runtime stage runs a package manager');
  // The runtime stage copies node_modules only from the production install; other stages give it built files.
  for (const c of runtime.body.filter((i) => i.op === 'COPY')) {
    const from = /--from=(\S+)/.exec(c.args)?.[1];
    if (from === undefined) {
      problems.push(`the runtime stage copies from the build context: ${c.args}`);
      continue;
    }
    const stage = p.stages.find((s) => s.name === from);
    const src = c.args.replace(/--\S+\s+/g, '').split(/\s+/)[0]!;
    if (!stage) problems.push(`COPY --from=${from}: no such stage`);
    else if (!prodStages.includes(stage) && !/\/dist\/?$/.test(src))
      problems.push(`the runtime stage copies ${src} from ${from}, which installed dev dependencies`);
  }

  // User: a fixed numeric non-root uid that a RUN creates.
  const user = last(runtime, 'USER')?.args;
  const uid = user ? /^(\d+)(?::\d+)?$/.exec(user)?.[1] : undefined;
  if (uid === undefined || Number(uid) === 0)
    problems.push(`runtime USER ${user ?? '(none)'}: not a numeric non-root uid`);
  else if (!runs(runtime).some((r) => new RegExp(`useradd\\b.*--uid ${uid}\\b`).test(r)))
    problems.push(`uid ${uid} is not created with useradd`);

  // Serving: ganforge serve on 0.0.0.0 and the EXPOSEd port, a health check on /healthz there, SIGTERM.
  const entry = execForm(last(runtime, 'ENTRYPOINT')?.args ?? '') ?? [];
  const cmd = execForm(last(runtime, 'CMD')?.args ?? '') ?? [];
  if (
    entry[0] !== 'node' ||
    !entry[1] ||
    !statSync(join(ROOT, entry[1]), { throwIfNoEntry: false })?.isFile()
  )
    problems.push(`ENTRYPOINT ${JSON.stringify(entry)} does not run the ganforge CLI in exec form`);
  if (cmd[0] !== 'serve') problems.push(`CMD ${JSON.stringify(cmd)} does not run serve in exec form`);
  if (optionValue(cmd, '--host') !== '0.0.0.0') problems.push('CMD does not bind 0.0.0.0');
  const exposed = last(runtime, 'EXPOSE')?.args.split('/')[0];
  const port = optionValue(cmd, '--port');
  if (!exposed || port !== exposed) problems.push(`CMD --port ${port}, EXPOSE ${exposed}`);
  const flags = serveFlags();
  for (const a of cmd.filter((x) => x.startsWith('--')))
    if (!flags.has(a)) problems.push(`serve has no ${a}`);
  const health = last(runtime, 'HEALTHCHECK')?.args ?? '';
  if (!health.includes(`http://127.0.0.1:${exposed}/healthz`))
    problems.push(`HEALTHCHECK is not /healthz on ${exposed}`);
  for (const o of ['--interval', '--timeout', '--start-period', '--retries'])
    if (!health.includes(`${o}=`)) problems.push(`HEALTHCHECK without ${o}`);
  const stop = last(runtime, 'STOPSIGNAL')?.args;
  if (stop !== undefined && stop !== 'SIGTERM')
    problems.push(`STOPSIGNAL ${stop}: the server drains on SIGTERM`);
  return problems;
}

// ---- .dockerignore -----------------------------------------------------------------------------------

/** .dockerignore rules as Docker reads them: Go filepath.Match globs plus `**`, `!` exceptions, last match wins. */
function ignoreRules(text: string): { re: RegExp; negate: boolean }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i]!;
        if (ch === '*' && pattern[i + 1] === '*') {
          re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += pattern[i + 2] === '/' ? 2 : 1;
        } else if (ch === '*') re += '[^/]*';
        else if (ch === '?') re += '[^/]';
        else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { re: new RegExp(`^${re}$`), negate };
    });
}
/** Excluded when the last rule matching the path or one of its parent folders is not an exception. */
function ignored(rules: ReturnType<typeof ignoreRules>, path: string): boolean {
  const parts = path.split('/');
  let out = false;
  for (const rule of rules)
    for (let n = 1; n <= parts.length; n++)
      if (rule.re.test(parts.slice(0, n).join('/'))) {
        out = !rule.negate;
        break;
      }
  return out;
}
/** The files a build sends as its context (excluded folders are not descended: the rules have no exceptions). */
function contextFiles(rules: ReturnType<typeof ignoreRules>): { files: string[]; bytes: number } {
  const files: string[] = [];
  let bytes = 0;
  const walk = (rel: string) => {
    for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (ignored(rules, path)) continue;
      if (e.isDirectory()) walk(path);
      else {
        files.push(path);
        bytes += lstatSync(join(ROOT, path)).size;
      }
    }
  };
  walk('');
  return { files, bytes };
}

describe('Dockerfile', () => {
  it('is multi-stage on a pinned Node base, installs production dependencies only, runs non-root, serves on 0.0.0.0 with a /healthz HEALTHCHECK', () => {
    expect(dockerfileProblems(DOCKERFILE)).toEqual([]);
    const p = parseDockerfile(DOCKERFILE);
    expect(p.stages.map((s) => s.name)).toEqual([
      'base',
      'fetch',
      'build',
      'prod-deps',
      'trainer',
      'runtime',
    ]);
  });

  it('the lint bites: each broken variant is reported', () => {
    // [what, edit from, edit to, the problem it must raise]
    const variants: [string, RegExp, string, RegExp][] = [
      ['latest base', /^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest', /not pinned/],
      // The runtime stage is the last: its USER and COPY are the last ones (trainer has its own before it).
      ['root user', /^USER (?![\s\S]*^USER ).*$/m, 'USER root', /not a numeric non-root uid/],
      [
        'dev deps',
        /--offline --prod --frozen-lockfile/,
        '--offline --frozen-lockfile',
        /production dependencies/,
      ],
      [
        'no frozen lockfile',
        /--offline --prod --frozen-lockfile/,
        '--offline --prod',
        /without --frozen-lockfile/,
      ],
      ['loopback only', /"--host", "0.0.0.0"/, '"--host", "127.0.0.1"', /does not bind 0.0.0.0/],
      ['health elsewhere', /\/healthz/, '/metrics', /HEALTHCHECK is not \/healthz/],
      [
        'node_modules from build',
        /COPY --from=prod-deps \/app \/app(?![\s\S]*COPY --from=prod-deps)/,
        'COPY --from=build /app /app',
        /dev dependencies/,
      ],
      [
        'context copy',
        /COPY --from=build \/app\/packages\/web\/dist/,
        'COPY packages/web/dist',
        /build context/,
      ],
      ['stop signal', /STOPSIGNAL SIGTERM/, 'STOPSIGNAL SIGKILL', /drains on SIGTERM/],
      ['port mismatch', /EXPOSE 8080/, 'EXPOSE 3000', /--port 8080, EXPOSE 3000/],
      ['old pnpm', /ARG PNPM_VERSION=.*/, 'ARG PNPM_VERSION=9.0.0', /pnpm 9.0.0/],
      ['CUDA download', /ENV ONNXRUNTIME_NODE_INSTALL=skip \\\n/, 'ENV ', /ONNXRUNTIME_NODE_INSTALL=skip/],
      [
        'unknown flag',
        /"--port", "8080"\]/,
        '"--port", "8080", "--max-batchsize", "8"]',
        /serve has no --max-batchsize/,
      ],
    ];
    for (const [what, from, to, problem] of variants) {
      const broken = DOCKERFILE.replace(from, to);
      expect(broken, what).not.toBe(DOCKERFILE);
      expect(dockerfileProblems(broken).join('\n'), what).toMatch(problem);
    }
  });

  it('.dockerignore sends sources, manifests, lockfile and models; never node_modules, .git, runs, tests', () => {
    const rules = ignoreRules(DOCKERIGNORE);
    const { files, bytes } = contextFiles(rules);
    const sent = new Set(files);
    const needed = [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'packages/cli/bin/ganforge.mjs',
      'packages/web/build.mjs',
      'packages/serve/src/settings.ts',
      'models/mnist-dcgan/model.onnx',
      'models/mnist-dcgan/card.json',
      ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}/package.json`),
    ];
    for (const f of needed) expect(sent.has(f), f).toBe(true);
    for (const f of files) {
      expect(f, f).not.toMatch(/(^|\/)(node_modules|\.git|dist)\//);
      expect(f, f).not.toMatch(/^(runs|test|test-results|docs|deploy)\/|\.test\.ts$/);
    }
    for (const f of ['runs/x/meta.json', 'node_modules/a/b.js', 'packages/serve/node_modules/x', '.git/HEAD'])
      expect(ignored(rules, f), f).toBe(true);
    // runs/ alone is hundreds of megabytes: the context stays small.
    expect(bytes).toBeLessThan(64 * 2 ** 20);
  });
});

// ---- build and run -----------------------------------------------------------------------------------

function sh(cmd: string, args: string[], timeoutMs = 60_000) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
}
/** This process's hard limit on open files: what a container may get without CAP_SYS_RESOURCE. */
function hardNofile(): number {
  try {
    const m = /^Max open files\s+\S+\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : 1024;
  } catch {
    return 1024;
  }
}
interface Plan {
  engine: string;
  base: string;
  /** Flags before the subcommand (podman's --runtime), and the ulimits for build and run. */
  global: string[];
  limits: string[];
}
/**
 * A working engine, a base image to build on and the flags that let it start a container here, or why
 * there is none. Sandboxed hosts may need the fallback: crun refuses cgroups in hybrid (v1 + v2) mode
 * where runc does not, and the engine's default rlimits can exceed the hard limits of a host that
 * withholds CAP_SYS_RESOURCE.
 */
function containerPlan(): Plan | { why: string } {
  if (process.env.GANFORGE_CONTAINER_TEST === '0') return { why: 'GANFORGE_CONTAINER_TEST=0' };
  let engine: string | undefined;
  const tried: string[] = [];
  for (const e of ['podman', 'docker']) {
    const r = sh(e, ['info'], 30_000);
    if (r.status === 0) {
      engine = e;
      break;
    }
    tried.push(
      `${e}: ${r.error ? 'not installed' : (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`)}`,
    );
  }
  if (!engine) return { why: `no container engine (${tried.join('; ')})` };
  const pinned = parseDockerfile(DOCKERFILE).globalArgs.get('NODE_IMAGE')!;
  const candidates = [process.env.GANFORGE_NODE_IMAGE, pinned, 'localhost/ganforge-node-base:20'];
  const base = candidates.find((c) => c && sh(engine, ['image', 'inspect', c]).status === 0);
  if (!base)
    return {
      why: `${engine} has none of the base images (${candidates.filter(Boolean).join(', ')}) and no registry may be reachable: see deploy/container/node-base-from-debian.sh`,
    };
  const nofile = hardNofile();
  const limits = ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', 'nproc=4096:4096'];
  const runc = engine === 'podman' && sh('runc', ['--version']).status === 0;
  const variants = [
    { global: [], limits: [] },
    { global: runc ? ['--runtime', 'runc'] : [], limits },
  ];
  const errors: string[] = [];
  for (const v of variants) {
    const r = sh(engine, [...v.global, 'run', '--rm', ...v.limits, base, 'true']);
    if (r.status === 0) return { engine, base, ...v };
    errors.push(r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`);
  }
  return { why: `${engine} cannot start a container here: ${errors.join(' / ')}` };
}
const plan = containerPlan();
const planned = 'engine' in plan ? plan : undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
/** Runs a command with its output in a log file; resolves with the exit code. */
function run(cmd: string, args: string[], log: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const fd = openSync(log, 'a');
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', fd, fd] });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      closeSync(fd);
      resolve(code);
    });
  });
}
async function poll<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('the image, built and run', () => {
  const tag = `localhost/ganforge-test:${process.pid}`;
  const name = `ganforge-test-${process.pid}`;
  const log = join(ROOT, 'test-results', `deploy-container-${process.pid}.log`);
  afterAll(() => {
    if (!planned) return;
    sh(planned.engine, [...planned.global, 'rm', '-f', name]);
    sh(planned.engine, [...planned.global, 'rmi', '-f', tag]);
  });

  it.skipIf(!planned)(
    `builds, serves v2 as uid 10001 on a read-only root, passes its HEALTHCHECK and drains on SIGTERM${planned ? '' : ` (skipped: ${'why' in plan ? plan.why : ''})`}`,
    async () => {
      const { engine, base, global, limits } = planned!;
      const eng = (...args: string[]) => sh(engine, [...global, ...args], 120_000);
      mkdirSync(join(ROOT, 'test-results'), { recursive: true });
      const podman = engine === 'podman';
      const build = [
        ...global,
        'build',
        ...limits,
        // podman keeps HEALTHCHECK only in the Docker image format.
        ...(podman ? ['--format', 'docker', '--network', 'host'] : []),
        '--build-arg',
        `NODE_IMAGE=${base}`,
        '-t',
        tag,
        '.',
      ];
      expect(await run(engine, build, log, 1_500_000), `${engine} build failed: see ${log}`).toBe(0);

      const port = await freePort();
      // As deploy/k8s runs it: read-only root with a tmpfs /tmp, no capabilities, no privilege escalation.
      const started = eng(
        'run',
        '-d',
        ...limits,
        '--name',
        name,
        '-p',
        `127.0.0.1:${port}:8080`,
        '--read-only',
        '--tmpfs',
        '/tmp',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
        tag,
      );
      expect(started.status, started.stderr).toBe(0);
      const url = `http://127.0.0.1:${port}`;
      await poll('/v2/health/ready', 180_000, async () =>
        (await fetch(`${url}/v2/health/ready`)).ok ? true : undefined,
      );
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/`)).status).toBe(200); // the sampler page: the web bundle made it in

      // A v2 inference on the baked-in model.
      const meta = (await (await fetch(`${url}/v2/models/mnist-dcgan`)).json()) as {
        inputs: { name: string; shape: number[] }[];
      };
      const input = meta.inputs[0]!;
      const dim = input.shape[1]!;
      const res = await fetch(`${url}/v2/models/mnist-dcgan/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [{ name: input.name, datatype: 'FP32', shape: [1, dim], data: new Array(dim).fill(0) }],
        }),
      });
      expect(res.status).toBe(200);
      const out = (await res.json()) as { outputs: { shape: number[]; data: number[] }[] };
      expect(out.outputs[0]!.shape[0]).toBe(1);
      expect(out.outputs[0]!.data.length).toBe(out.outputs[0]!.shape.reduce((a, b) => a * b, 1));

      expect(eng('exec', name, 'id', '-u').stdout.trim()).toBe('10001');
      if (podman) {
        // The check itself (node + fetch, 3 s timeout) can miss once on a loaded machine, as a periodic
        // health check may; a few tries within 30 s, then the last answer must be healthy.
        let health = eng('healthcheck', 'run', name);
        for (let tries = 1; health.status !== 0 && tries < 6; tries++) {
          await new Promise((r) => setTimeout(r, 5_000));
          health = eng('healthcheck', 'run', name);
        }
        expect(health.status, `${health.stdout}${health.stderr}`).toBe(0);
      } else
        await poll('healthy', 60_000, async () =>
          eng('inspect', '--format', '{{.State.Health.Status}}', name).stdout.trim() === 'healthy'
            ? true
            : undefined,
        );

      // SIGTERM: the server drains and exits 0 well within the stop timeout (no SIGKILL).
      const t0 = Date.now();
      expect(eng('stop', '-t', '30', name).status).toBe(0);
      expect(Date.now() - t0).toBeLessThan(25_000);
      expect(eng('inspect', '--format', '{{.State.ExitCode}}', name).stdout.trim()).toBe('0');
      const logs = eng('logs', name);
      expect(logs.stdout + logs.stderr).toMatch(/draining in-flight requests[\s\S]*server closed/);
    },
    1_800_000,
  );
});
