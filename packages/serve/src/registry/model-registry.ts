import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GanforgeError,
  isValidModelName,
  parseModelCard,
  sampleLatents,
  type ModelCard,
} from '@ganforge/core';
import type { BatchScheduler } from '../engine/batch-scheduler.ts';
import type { DeviceChoice, ExecutionProvider, WorkerPool } from '../engine/worker-pool.ts';

import { specFromCard, type ModelSpec } from './model-spec.ts';

/** models/evaluators/ holds the classifiers `ganforge eval` scores with, not generators to serve. */
export const EVALUATORS_DIR = 'evaluators';

export type ModelStatus = 'loading' | 'ready' | 'failed';

/** One model directory as the server sees it. */
export interface ModelEntry {
  readonly name: string;
  readonly status: ModelStatus;
  /** Why it failed to load (or why its last reload failed while the previous version kept serving). */
  readonly error?: { code: string; message: string };
  readonly card?: ModelCard;
  readonly spec?: ModelSpec;
  readonly provider?: ExecutionProvider;
  readonly loadedAt?: string;
  /** Increments on every successful (re)load. */
  readonly generation: number;
  /** Size + mtime + inode of model.onnx and card.json; a change triggers a reload. */
  readonly fingerprint: string;
  /**
   * The bytes the serving generation was loaded from. Browsers get these (GET .../model.onnx), never
   * the file on disk: a file being written, truncated or broken never reaches a client.
   */
  readonly files?: ModelFiles;
}

/** A model's files exactly as loaded, with a strong validator. */
export interface ModelFiles {
  readonly modelOnnx: Uint8Array;
  readonly cardJson: Uint8Array;
  /** Strong ETag over both files (quoted). */
  readonly etag: string;
  readonly loadedAt: Date;
}

export interface RegistryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RegistryOptions {
  readonly modelsDir: string;
  readonly device: DeviceChoice;
  readonly pool: WorkerPool;
  readonly scheduler: BatchScheduler;
  readonly logger: RegistryLogger;
  /** Called whenever an entry changes (metrics). */
  readonly onChange?: (entry: ModelEntry | undefined, name: string) => void;
  /**
   * With `watch()`: how often the folder is also rescanned in full (default 1000 ms). File-system
   * events alone are not enough: Node 20's recursive fs.watch on Linux stops seeing files that were
   * replaced by rename, or whole folders swapped in, so the periodic check is what guarantees every
   * change is seen; the events only make most changes show up sooner.
   */
  readonly pollIntervalMs?: number;
  /**
   * How long a model's folder must stay missing before the model is removed (default 500 ms; it is
   * removed on the first scan after that). Until then the loaded version keeps serving.
   */
  readonly removeAfterMs?: number;
}

function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof GanforgeError) return { code: e.code, message: e.message };
  return { code: 'model_load_failed', message: e instanceof Error ? e.message : String(e) };
}

/** A file-system error without the absolute path Node puts in its message ("ENOENT", "EACCES"...). */
function fsMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code === 'ENOENT' ? 'no such file' : code;
  return e instanceof Error ? e.message : String(e);
}

function strongEtag(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return `"${h.digest('base64url').slice(0, 27)}"`;
}

/**
 * The models found under one folder, each loaded into every session worker and warmed up before it
 * counts as ready. Names come only from listing that folder; lookups by a request's name never touch
 * the file system.
 */
export class ModelRegistry {
  private readonly entries = new Map<string, ModelEntry>();
  private watcher: FSWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private polling: NodeJS.Timeout | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private rescanQueued = false;
  private closed = false;
  /** A watch rescan skipped files that were still changing; another rescan follows soon. */
  private unsettled = false;
  /** When each model's folder was first seen missing (removal waits removeAfterMs). */
  private readonly missingSince = new Map<string, number>();
  /** The last generation each name had, so a name's generation never goes back, even across removal. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly options: RegistryOptions) {}

  list(): ModelEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Looks a name up in memory only; invalid names are simply unknown. */
  get(name: string): ModelEntry | undefined {
    if (!isValidModelName(name)) return undefined;
    return this.entries.get(name);
  }

  /**
   * True when at least one model exists and every model has a serving version. A model whose latest
   * reload failed still counts while its previous version serves: replicas that all received the
   * same bad file must not all leave the load balancer at once (the failure shows in /readyz's body).
   */
  allReady(): boolean {
    const all = this.list();
    return all.length > 0 && all.every((e) => e.status === 'ready');
  }

  /** Lists the folder and (re)loads what changed; true when something did. Concurrent calls are serialized. */
  scan(options: { settleMs?: number } = {}): Promise<boolean> {
    const next = this.scanning.catch(() => {}).then(() => this.scanOnce(options.settleMs ?? 0));
    this.scanning = next.then(
      () => {},
      () => {},
    );
    return next;
  }

  private async scanOnce(settleMs: number): Promise<boolean> {
    if (this.closed) return false;
    const { modelsDir, logger } = this.options;
    let names: string[];
    try {
      const dirents = await readdir(modelsDir, { withFileTypes: true });
      names = dirents
        .filter((d) => d.isDirectory() && d.name !== EVALUATORS_DIR && isValidModelName(d.name))
        .map((d) => d.name);
    } catch (e) {
      throw new GanforgeError(
        'models_dir_unreadable',
        `cannot read the models folder '${modelsDir}': ${errorInfo(e).message}`,
        {
          hint: 'pass --models <dir> with a folder holding <name>/model.onnx and <name>/card.json',
          status: 500,
        },
      );
    }
    const seen = new Set(names);
    const work: Promise<void>[] = [];
    for (const name of names) {
      const { fingerprint: fp, changedAt } = await this.fingerprint(name);
      const current = this.entries.get(name);
      if (current && current.fingerprint === fp) continue;
      // Files changed a moment ago may still be being written (a copy in progress, the second file of
      // a deploy): leave them to a later scan rather than load a half-finished version.
      if (settleMs > 0 && Date.now() - changedAt < settleMs) {
        this.unsettled = true;
        continue;
      }
      work.push(this.load(name, fp, current));
    }
    // A folder that is gone is only removed once it has stayed gone for removeAfterMs: a deploy that
    // swaps a folder (rm, then rename the new one in) is a replacement, not a removal and a new model.
    const now = performance.now();
    for (const name of [...this.entries.keys()]) {
      if (seen.has(name)) {
        this.missingSince.delete(name);
        continue;
      }
      const since = this.missingSince.get(name);
      if (since === undefined) this.missingSince.set(name, now);
      else if (now - since >= (this.options.removeAfterMs ?? 500)) {
        this.missingSince.delete(name);
        work.push(this.remove(name));
      }
    }
    await Promise.all(work);
    if (work.length > 0)
      logger.info({ models: this.list().map((e) => ({ name: e.name, status: e.status })) }, 'models scanned');
    return work.length > 0;
  }

  /** Size + mtime + inode of both files, and the newest mtime (ms since the epoch; 0 when both are missing). */
  private async fingerprint(name: string): Promise<{ fingerprint: string; changedAt: number }> {
    const dir = join(this.options.modelsDir, name);
    let changedAt = 0;
    const part = async (file: string) => {
      try {
        const s = await stat(join(dir, file));
        changedAt = Math.max(changedAt, s.mtimeMs, s.ctimeMs);
        return `${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        return 'missing';
      }
    };
    const fingerprint = `${await part('model.onnx')}|${await part('card.json')}`;
    return { fingerprint, changedAt };
  }

  private set(entry: ModelEntry): void {
    this.entries.set(entry.name, entry);
    this.options.onChange?.(entry, entry.name);
  }

  private async load(name: string, fingerprint: string, previous: ModelEntry | undefined): Promise<void> {
    const { modelsDir, pool, scheduler, device, logger } = this.options;
    const generation = Math.max(previous?.generation ?? 0, this.generations.get(name) ?? 0) + 1;
    const key = `${name}#${generation}`;
    const serving = previous?.status === 'ready' ? previous : undefined;
    if (!serving) this.set({ name, status: 'loading', generation: previous?.generation ?? 0, fingerprint });
    const dir = join(modelsDir, name);
    // Error messages name files relative to the models folder: responses must not reveal server paths.
    const shown = (file: string) => `${name}/${file}`;
    try {
      let cardJson: Uint8Array;
      let cardValue: unknown;
      try {
        cardJson = await readFile(join(dir, 'card.json'));
        cardValue = JSON.parse(Buffer.from(cardJson).toString('utf8'));
      } catch (e) {
        throw new GanforgeError('bad_card', `cannot read ${shown('card.json')}: ${fsMessage(e)}`, {
          hint: 're-export the model with `ganforge export`',
        });
      }
      const card = parseModelCard(cardValue);
      let modelOnnx: Uint8Array;
      try {
        modelOnnx = await readFile(join(dir, 'model.onnx'));
      } catch {
        throw new GanforgeError('model_missing', `${shown('model.onnx')} does not exist`, {
          hint: 're-export the model with `ganforge export`',
        });
      }
      let loaded;
      try {
        // Loaded from the bytes just read, so the session and what browsers download are one version.
        loaded = await pool.load(key, modelOnnx, device);
      } catch (e) {
        throw new GanforgeError(
          'model_load_failed',
          `cannot load ${shown('model.onnx')}: ${errorInfo(e).message}`,
          {
            hint:
              device === 'cuda'
                ? 'install the CUDA execution provider (see README) or use --device auto'
                : 'the file may be corrupt; re-export it',
          },
        );
      }
      const spec = specFromCard(card, loaded);
      // Warm-up: the first run of each session allocates and plans; do it before counting as ready.
      const latents = sampleLatents({
        seed: 0,
        n: 1,
        latentDim: spec.latentDim,
        distribution: spec.distribution,
      });
      await pool.runOnEach({
        key,
        inputName: spec.inputName,
        outputName: spec.outputName,
        latents,
        n: 1,
        latentDim: spec.latentDim,
      });
      if (this.closed) return;
      scheduler.setTarget(name, {
        key,
        inputName: spec.inputName,
        outputName: spec.outputName,
        latentDim: spec.latentDim,
      });
      this.generations.set(name, generation);
      const loadedAt = new Date();
      this.set({
        name,
        status: 'ready',
        card,
        spec,
        provider: loaded.provider,
        loadedAt: loadedAt.toISOString(),
        generation,
        fingerprint,
        files: { modelOnnx, cardJson, etag: strongEtag(modelOnnx, cardJson), loadedAt },
      });
      logger.info(
        { model: name, provider: loaded.provider, generation, fallbacks: loaded.fallbacks },
        `model ${name} ready on ${loaded.provider}`,
      );
      if (serving) {
        const oldKey = `${name}#${serving.generation}`;
        void scheduler.drained(oldKey).then(() => pool.unload(oldKey));
      }
    } catch (e) {
      const error = errorInfo(e);
      await pool.unload(key);
      if (serving) {
        // Keep the previous version serving; report the failed reload.
        this.set({ ...serving, error, fingerprint });
        logger.error(
          { model: name, error },
          `reload of model ${name} failed; the previous version keeps serving`,
        );
      } else {
        scheduler.remove(name);
        this.set({ name, status: 'failed', error, generation: previous?.generation ?? 0, fingerprint });
        logger.error({ model: name, error }, `model ${name} failed to load`);
      }
    }
  }

  private async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    this.entries.delete(name);
    this.options.onChange?.(undefined, name);
    this.options.scheduler.remove(name);
    this.options.logger.info({ model: name }, `model ${name} removed`);
    if (entry && entry.status === 'ready') {
      const key = `${name}#${entry.generation}`;
      await this.options.scheduler.drained(key);
      await this.options.pool.unload(key);
    }
  }

  /**
   * Reloads what changes under the models folder: a full rescan every pollIntervalMs, and sooner
   * (debounced) on file-system events. Files modified within the last debounceMs are left to the next
   * rescan, so a copy in progress or a deploy that writes two files is loaded once, complete. After any change the event watcher is re-created, so it watches
   * the folders and files as they now are (a folder swapped in by rename is a new inode).
   */
  watch(debounceMs = 150): void {
    if (this.polling || this.closed) return;
    const { logger } = this.options;
    const rescan = () => {
      if (this.rescanQueued || this.closed) return;
      this.rescanQueued = true;
      void this.scanning.then(() => {
        this.rescanQueued = false;
        this.unsettled = false;
        return this.scan({ settleMs: debounceMs })
          .then((changed) => {
            if (changed) this.rewatch(onEvent);
            // Files still being written were skipped: look again once they have had time to settle.
            if (this.unsettled) onEvent();
          })
          .catch((e: unknown) => logger.error({ error: errorInfo(e) }, 'rescan failed'));
      });
    };
    const onEvent = () => {
      clearTimeout(this.rescanTimer);
      this.rescanTimer = setTimeout(rescan, debounceMs);
    };
    this.polling = setInterval(rescan, this.options.pollIntervalMs ?? 1000);
    this.polling.unref();
    this.rewatch(onEvent);
  }

  private rewatch(onEvent: () => void): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.closed) return;
    try {
      const w = watch(this.options.modelsDir, { recursive: true }, onEvent);
      // A lost watcher is not fatal: the periodic rescan still sees every change.
      w.on('error', (e) => {
        this.options.logger.warn({ error: errorInfo(e) }, 'models folder watch failed; polling only');
        w.close();
      });
      this.watcher = w;
    } catch (e) {
      this.options.logger.warn({ error: errorInfo(e) }, 'cannot watch the models folder; polling only');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rescanTimer);
    clearInterval(this.polling);
    this.watcher?.close();
    await this.scanning.catch(() => {});
  }
}
