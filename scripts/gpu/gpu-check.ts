/**
 * The GPU check for a machine with a GPU (README "Backends", BENCHMARKS.md "GPU routes"): what the
 * machine offers and what ganforge's GPU routes do on it, in one short run, written as JSON and
 * Markdown to --out (default: gpu-check/).
 *   1. the machine: nvidia-smi, `vulkaninfo --summary`, libvulkan and Vulkan ICDs;
 *   2. Dawn (npm `webgpu`): which adapter it finds;
 *   3. onnxruntime-node: the shipped generator on each execution provider (cpu, webgpu, cuda): whether
 *      the session starts, ms per batch of 64, and the largest difference from cpu for the same latents;
 *   4. tfjs training: ms per DCGAN step (`ganforge train --profile`) on wasm and on webgpu.
 * Every part records its failure in one line and the check goes on. Tested on a CPU-only machine,
 * where it records exactly why each GPU route is unavailable.
 *   node --import tsx scripts/gpu/gpu-check.ts [--out dir] [--steps 5]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describeAdapter, probeAdapter } from '@ganforge/backend';
import { ortReason } from '@ganforge/serve';
import * as ort from 'onnxruntime-node';
import { ROOT } from '../bench-support.ts';
import { numberOption, parseScriptArgs } from '../script-args.ts';

interface Check {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

function command(file: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) return { ok: false, out: `${file}: ${r.error.message}` };
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

function machineChecks(): Check[] {
  const smi = command('nvidia-smi', ['-L']);
  const vk = command('vulkaninfo', ['--summary']);
  const libvulkan = command('sh', ['-c', 'ldconfig -p | grep -m1 libvulkan.so.1']);
  const icdDirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'].filter(existsSync);
  const icds = icdDirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
  return [
    {
      what: 'nvidia-smi -L',
      ok: smi.ok,
      detail: smi.ok ? smi.out.split('\n').join('; ') : firstLine(smi.out),
    },
    {
      what: 'vulkaninfo --summary',
      ok: vk.ok,
      detail: vk.ok
        ? vk.out
            .split('\n')
            .filter((l) => /deviceName|driverName|apiVersion/.test(l))
            .map((l) => l.trim())
            .join('; ')
        : firstLine(vk.out),
    },
    {
      what: 'libvulkan.so.1',
      ok: libvulkan.ok,
      detail: libvulkan.ok ? firstLine(libvulkan.out) : 'not found by ldconfig',
    },
    {
      what: 'Vulkan ICDs',
      ok: icds.length > 0,
      detail: icds.length > 0 ? icds.join(', ') : 'none in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d',
    },
  ];
}

async function dawnCheck(): Promise<Check> {
  const p = await probeAdapter();
  return {
    what: 'Dawn adapter (npm webgpu)',
    ok: p.ok,
    detail: p.ok ? describeAdapter(p.adapter) : p.reason,
  };
}

const MODEL = join(ROOT, 'models/mnist-dcgan/model.onnx');
const BATCH = 64;
const RUNS = 50;

function latents(): Float32Array {
  const z = new Float32Array(BATCH * 100);
  for (let i = 0; i < z.length; i++) z[i] = Math.sin(i * 12.9898) % 1;
  return z;
}

async function ortRun(provider: string): Promise<{ check: Check; image?: Float32Array }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(MODEL, { executionProviders: [provider] });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return {
      check: {
        what: `onnxruntime-node ${provider}`,
        ok: false,
        detail: ortReason(msg),
      },
    };
  }
  const feeds = { latent: new ort.Tensor('float32', latents(), [BATCH, 100]) };
  let out = await session.run(feeds); // warm-up (kernels compiled, buffers allocated)
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) out = await session.run(feeds);
  const ms = (performance.now() - t0) / RUNS;
  const image = out.image?.data as Float32Array;
  await session.release();
  return {
    check: {
      what: `onnxruntime-node ${provider}`,
      ok: true,
      detail: `${ms.toFixed(2)} ms per batch of ${BATCH} (${((BATCH * 1000) / ms).toFixed(0)} samples/s)`,
    },
    image,
  };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function trainStep(backend: string, steps: number): Check {
  const cli = join(ROOT, 'packages/cli/bin/ganforge.mjs');
  try {
    const out = execFileSync(
      process.execPath,
      [
        cli,
        'train',
        '--config',
        join(ROOT, 'configs/dcgan-mnist.yaml'),
        '--backend',
        backend,
        '--profile',
        String(steps),
      ],
      { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const line = out.split('\n').find((l) => l.includes('ms/step')) ?? firstLine(out);
    const head = out.split('\n').find((l) => l.startsWith('backend ')) ?? '';
    return { what: `tfjs training step, ${backend}`, ok: true, detail: `${line.trim()} [${head.trim()}]` };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return {
      what: `tfjs training step, ${backend}`,
      ok: false,
      detail: firstLine(err.stderr ?? err.message),
    };
  }
}

async function main(): Promise<void> {
  const cmd = {
    name: 'gpu-check',
    usage: 'usage: node --import tsx scripts/gpu/gpu-check.ts [--out dir] [--steps 5]',
  };
  const { values } = parseScriptArgs(cmd, {
    options: { out: { type: 'string', default: 'gpu-check' }, steps: { type: 'string', default: '5' } },
  });
  const steps = numberOption(cmd, 'steps', values.steps, { integer: true, min: 1 })!;
  const checks: Check[] = [...machineChecks(), await dawnCheck()];
  const cpu = await ortRun('cpu');
  checks.push(cpu.check);
  for (const provider of ['webgpu', 'cuda']) {
    const r = await ortRun(provider);
    const diff =
      r.image !== undefined && cpu.image !== undefined
        ? `; max |diff| vs cpu ${maxAbsDiff(r.image, cpu.image).toExponential(2)}`
        : '';
    checks.push({ ...r.check, detail: r.check.detail + diff });
  }
  checks.push(trainStep('wasm', steps), trainStep('webgpu', steps));
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`;
  const md = [
    `GPU check (scripts/gpu/gpu-check.ts), ${machine}`,
    '',
    '| check | ok | detail |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.what} | ${c.ok ? 'yes' : 'no'} | ${c.detail.replace(/\|/g, '\\|')} |`),
    '',
  ].join('\n');
  mkdirSync(values.out, { recursive: true });
  for (const [name, text] of [
    ['gpu-check.json', `${JSON.stringify({ machine, checks }, null, 2)}\n`],
    ['gpu-check.md', md],
  ] as const) {
    const file = join(values.out, name);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  }
  process.stdout.write(md);
}

await main();
