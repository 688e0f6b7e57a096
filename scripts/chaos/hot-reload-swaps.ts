/**
 * One kind of swap of the hot-reload experiment (hot-reload.ts), run against a fresh `ganforge serve`:
 * the model file or folder swapped again and again under load from closed-loop clients, each swap timed
 * until the server shows a new generation, and model.onnx fetched throughout and compared with the
 * good file. What it measures is returned; hot-reload.ts turns it into the experiment's rows.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  closedLoop,
  copyShippedModel,
  endChild,
  http,
  keepAliveAgent,
  modelView,
  pollUntil,
  samplesRequest,
  SHIPPED_MODEL,
  SHIPPED_MODEL_DIR,
  sleep,
  startServe,
  type ExperimentContext,
  type HttpResult,
} from './support.ts';

export type SwapKind = 'copy' | 'rename-file' | 'rename-folder' | 'truncate';

export const KINDS: readonly { kind: SwapKind; label: string }[] = [
  { kind: 'copy', label: 'copy over model.onnx in place (same inode, truncate + write, like cp)' },
  { kind: 'rename-file', label: 'write model.onnx to a temp file in the model folder, rename over it' },
  { kind: 'rename-folder', label: 'rename the model folder away, rename a prepared copy into place' },
  {
    kind: 'truncate',
    label: 'write a truncated model.onnx in place, then restore a good one (temp + rename)',
  },
];

export const CLIENTS = 3;
/** How long a swap may take to show up as a new generation. */
export const NOTICE_TIMEOUT_MS = 4000;
/** Consecutive unnoticed swaps after which the server is taken to have stopped watching. */
export const DEAF_AFTER = 3;
/** How often the background checker fetches model.onnx. */
export const BYTES_EVERY_MS = 150;

export function swapsPerKind(quick: boolean): number {
  return quick ? 8 : 100;
}

export interface KindResult {
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

export async function runKind(ctx: ExperimentContext, kind: SwapKind, good: Buffer): Promise<KindResult> {
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
