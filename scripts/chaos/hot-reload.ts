/**
 * Experiment 1: hot reload under load. A fresh `ganforge serve` per kind of swap, three loopback clients
 * asking for samples back to back, while the model in the watched folder is swapped again and again:
 * copied over in place, written to a temp file and renamed, replaced as a whole folder, and truncated
 * (which must be refused: the old generation keeps serving, and the truncated bytes must never reach a
 * client through GET /v1/models/<name>/model.onnx) and then restored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BYTES_EVERY_MS,
  CLIENTS,
  DEAF_AFTER,
  KINDS,
  NOTICE_TIMEOUT_MS,
  runKind,
  swapsPerKind,
  type KindResult,
} from './hot-reload-swaps.ts';
import {
  check,
  fmtMs,
  formatCounts,
  percentile,
  SHIPPED_MODEL,
  SHIPPED_MODEL_DIR,
  tally,
  type Experiment,
} from './support.ts';

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
