/**
 * Experiment 1: hot reload under load. A fresh `ganforge serve` per kind of swap, three loopback clients
 * asking for samples back to back, while the model in the watched folder is swapped again and again:
 * copied over in place, written to a temp file and renamed, replaced as a whole folder, and truncated
 * (which must be refused: the old generation keeps serving, and the truncated bytes must never reach a
 * client through GET /v1/models/<name>/model.onnx) and then restored.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  check,
  closedLoop,
  copyShippedModel,
  endChild,
  fmtMs,
  formatCounts,
  http,
  keepAliveAgent,
  modelView,
  percentile,
  pollUntil,
  samplesRequest,
  SHIPPED_MODEL,
  SHIPPED_MODEL_DIR,
  sleep,
  startServe,
  tally,
  type Experiment,
  type ExperimentContext,
  type HttpResult,
} from './support.ts';

type SwapKind = 'copy' | 'rename-file' | 'rename-folder' | 'truncate';

const KINDS: readonly { kind: SwapKind; label: string }[] = [
  { kind: 'copy', label: 'copy over model.onnx in place (same inode, truncate + write, like cp)' },
  { kind: 'rename-file', label: 'write model.onnx to a temp file in the model folder, rename over it' },
  { kind: 'rename-folder', label: 'rename the model folder away, rename a prepared copy into place' },
  {
    kind: 'truncate',
    label: 'write a truncated model.onnx in place, then restore a good one (temp + rename)',
  },
];

const CLIENTS = 3;
/** How long a swap may take to show up as a new generation. */
const NOTICE_TIMEOUT_MS = 4000;
/** Consecutive unnoticed swaps after which the server is taken to have stopped watching. */
const DEAF_AFTER = 3;
/** How often the background checker fetches model.onnx. */
const BYTES_EVERY_MS = 150;

function swapsPerKind(quick: boolean): number {
  return quick ? 8 : 100;
}

interface KindResult {
  attempted: number;
  noticed: number;
  noticeMs: number[];
  deaf: boolean;
  /** truncate: reloads that failed (error shown) while the generation stayed. */
  refused: number;
  /** truncate: truncated files that became a served generation. */
  badLoaded: number;
  samples: HttpResult[];
  bytesFetched: number;
  badBodies: number;
  badSizes: Set<number>;
  truncatedServedBytes: number;
}

export const hotReload: Experiment = {
  name: 'hot-reload',
  title: 'Hot reload under load',
  describe: (o) =>
    `For each of the ${KINDS.length} kinds of swap, a fresh \`ganforge serve --models <tmp> --port 0 --device cpu\` ` +
    `on a temp copy of models/${SHIPPED_MODEL}; ${CLIENTS} loopback clients send POST /v1/models/${SHIPPED_MODEL}/samples ` +
    `({"n":1,"format":"npy"}) back to back while the model is swapped ${swapsPerKind(o.quick)} times ` +
    `(each swap waits up to ${NOTICE_TIMEOUT_MS / 1000} s for GET /v1/models/${SHIPPED_MODEL} to show a higher ` +
    `\`generation\`; a kind stops early after ${DEAF_AFTER} unnoticed swaps in a row). A failed request is any ` +
    `answer other than 2xx or 429, or no answer. GET /v1/models/${SHIPPED_MODEL}/model.onnx is fetched every ` +
    `${BYTES_EVERY_MS} ms and right after each swap (and while the truncated file is on disk) and compared byte for ` +
    `byte with the good file.`,
  timeoutMs: (o) => KINDS.length * (45_000 + swapsPerKind(o.quick) * 2_500),
  async run(ctx) {
    const good = readFileSync(join(SHIPPED_MODEL_DIR, 'model.onnx'));
    for (const { kind, label } of KINDS) {
      if (ctx.signal.aborted) return;
      let r: KindResult;
      try {
        r = await runKind(ctx, kind, good);
      } catch (e) {
        ctx.record(
          check(label, `error: ${e instanceof Error ? e.message : String(e)}`, 'runs to the end', false),
        );
        continue;
      }
      const t = tally(r.samples);
      const failed = r.samples.length - t.ok - (t.byStatus.get(429) ?? 0);
      const count = swapsPerKind(ctx.options.quick);
      const swapsWhat = `${r.attempted}/${count} × ${label}`;
      ctx.record(
        check(
          `${swapsWhat}: ${kind === 'truncate' ? 'restores' : 'swaps'} picked up`,
          `${r.noticed}/${r.attempted} noticed (generation +1)` +
            (r.noticeMs.length
              ? `, median ${fmtMs(percentile(r.noticeMs, 50))}, max ${fmtMs(Math.max(...r.noticeMs))}`
              : '') +
            (r.deaf
              ? `; stopped after ${DEAF_AFTER} unnoticed swaps in a row (the watcher went deaf), ${count - r.attempted} not attempted`
              : ''),
          `${count}/${count} noticed`,
          r.noticed === count && r.attempted === count,
        ),
      );
      if (kind === 'truncate') {
        ctx.record(
          check(
            `${swapsWhat}: truncated model.onnx refused`,
            `${r.refused}/${r.attempted} reloads failed with the old generation still serving; ` +
              `${r.badLoaded} truncated files became a serving generation`,
            'every truncated file refused, 0 loaded',
            r.badLoaded === 0 && r.refused === r.attempted && r.attempted === count,
          ),
        );
        ctx.record(
          check(
            `${swapsWhat}: GET model.onnx while the truncated file is on disk`,
            `${r.truncatedServedBytes}/${r.attempted} fetches got the truncated bytes`,
            '0 (the loaded generation’s good bytes, or an error)',
            r.truncatedServedBytes === 0,
          ),
        );
      }
      ctx.record(
        check(
          `${swapsWhat}: sample requests from ${CLIENTS} clients during the swaps`,
          `${r.samples.length} sent, ${failed} failed (2xx ${t.ok}; non-2xx ${formatCounts(t.byStatus)}; ` +
            `no answer ${t.noAnswer}${t.noAnswer ? ` (${formatCounts(t.errors)})` : ''})`,
          '0 failed (429 allowed)',
          failed === 0 && r.samples.length > 0,
        ),
      );
      ctx.record(
        check(
          `${swapsWhat}: GET model.onnx bodies during the swaps`,
          `${r.bytesFetched} fetched, ${r.badBodies} differed from the good file` +
            (r.badSizes.size ? ` (sizes ${[...r.badSizes].slice(0, 5).join(', ')} vs ${good.length})` : ''),
          '0 bad bodies',
          r.badBodies === 0 && r.bytesFetched > 0,
        ),
      );
    }
  },
};

async function runKind(ctx: ExperimentContext, kind: SwapKind, good: Buffer): Promise<KindResult> {
  const count = swapsPerKind(ctx.options.quick);
  const dir = ctx.tempDir(`reload-${kind}`);
  const models = copyShippedModel(dir);
  const staging = join(dir, 'staging');
  mkdirSync(staging);
  const goodCopy = join(staging, 'good.onnx');
  copyFileSync(join(SHIPPED_MODEL_DIR, 'model.onnx'), goodCopy);
  const modelDir = join(models, SHIPPED_MODEL);
  const modelFile = join(modelDir, 'model.onnx');
  const truncated = good.subarray(0, Math.floor(good.length / 2));

  ctx.log(`hot-reload/${kind}: starting ganforge serve`);
  const server = await startServe(ctx, models);
  const r: KindResult = {
    attempted: 0,
    noticed: 0,
    noticeMs: [],
    deaf: false,
    refused: 0,
    badLoaded: 0,
    samples: [],
    bytesFetched: 0,
    badBodies: 0,
    badSizes: new Set(),
    truncatedServedBytes: 0,
  };
  const bytesAgent = keepAliveAgent(1);
  /** Fetches model.onnx; true when a 200 body differs from the good file. */
  const fetchBytes = async (): Promise<boolean | undefined> => {
    const res = await http({
      url: `${server.url}/v1/models/${SHIPPED_MODEL}/model.onnx`,
      agent: bytesAgent,
      keepBody: true,
      timeoutMs: 10_000,
    });
    if (res.status !== 200 || !res.body) return undefined;
    r.bytesFetched++;
    const bad = !res.body.equals(good);
    if (bad) {
      r.badBodies++;
      r.badSizes.add(res.body.length);
    }
    return bad;
  };

  let stopped = false;
  const load = closedLoop({
    connections: CLIENTS,
    request: (c, i) => samplesRequest(server.url, 1, c * 100_000 + i, 'npy'),
    stop: () => stopped,
    signal: ctx.signal,
  });
  const checker = (async () => {
    while (!stopped && !ctx.signal.aborted) {
      await fetchBytes();
      await sleep(BYTES_EVERY_MS);
    }
  })();

  const generation = async () => (await modelView(server.url))?.generation;
  const waitGeneration = async (before: number): Promise<number | undefined> => {
    const t0 = performance.now();
    const g = await pollUntil(
      async () => {
        const now = await generation();
        return now !== undefined && now > before ? now : undefined;
      },
      NOTICE_TIMEOUT_MS,
      20,
      ctx.signal,
    );
    return g === undefined ? undefined : performance.now() - t0;
  };
  /** Writes `bytes` to a temp file in the model folder and renames it over model.onnx. */
  const writeAtomic = (bytes: Buffer, i: number) => {
    const tmp = join(modelDir, `.model.onnx.${i}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, modelFile);
  };

  try {
    await sleep(500); // let the load settle
    let misses = 0;
    for (let i = 0; i < count && !ctx.signal.aborted; i++) {
      if (misses >= DEAF_AFTER) {
        r.deaf = true;
        break;
      }
      const before = await generation();
      if (before === undefined) throw new Error(`GET /v1/models/${SHIPPED_MODEL} did not answer 200`);
      r.attempted++;
      switch (kind) {
        case 'copy':
          copyFileSync(goodCopy, modelFile);
          break;
        case 'rename-file':
          writeAtomic(good, i);
          break;
        case 'rename-folder': {
          const next = join(staging, `next-${i}`);
          mkdirSync(next);
          copyFileSync(goodCopy, join(next, 'model.onnx'));
          copyFileSync(join(SHIPPED_MODEL_DIR, 'card.json'), join(next, 'card.json'));
          const old = join(staging, `old-${i}`);
          renameSync(modelDir, old);
          renameSync(next, modelDir);
          rmSync(old, { recursive: true, force: true });
          break;
        }
        case 'truncate': {
          writeFileSync(modelFile, truncated);
          // The reload attempt shows as an error on the (still ready) model, or as a new generation.
          const seen = await pollUntil(
            async () => {
              const v = await modelView(server.url);
              return v && (v.error !== undefined || v.generation > before) ? v : undefined;
            },
            NOTICE_TIMEOUT_MS,
            20,
            ctx.signal,
          );
          if (seen && seen.generation > before) r.badLoaded++;
          else if (seen && seen.status === 'ready') r.refused++;
          if ((await fetchBytes()) === true) r.truncatedServedBytes++;
          writeAtomic(good, i);
          break;
        }
      }
      const ms = await waitGeneration(before);
      if (ms === undefined) {
        misses++;
      } else {
        misses = 0;
        r.noticed++;
        r.noticeMs.push(ms);
      }
      await fetchBytes();
      if ((i + 1) % Math.max(1, Math.floor(count / 4)) === 0 || i === count - 1)
        ctx.log(`hot-reload/${kind}: ${i + 1}/${count} swaps, ${r.noticed} noticed`);
    }
  } finally {
    stopped = true;
    r.samples = await load;
    await checker;
    bytesAgent.destroy();
    await endChild(server.child);
  }
  return r;
}
