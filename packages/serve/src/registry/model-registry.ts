import { readdir } from 'node:fs/promises';
import { GanforgeError, isValidModelName, type ModelCard } from '@ganforge/core';
import type { BatchScheduler } from '../engine/batch-scheduler.ts';
import type { DeviceChoice, ExecutionProvider, WorkerPool } from '../engine/worker-pool.ts';
import { FolderWatcher } from './folder-watcher.ts';
import { loadVersion } from './load-version.ts';
import { errorInfo, folderFingerprint, strongEtag, type ModelFiles } from './model-folder.ts';
import type { ModelSpec } from './model-spec.ts';
import type { ModelLimits, ServerLimits } from './serving-limits.ts';

export type { ModelFiles } from './model-folder.ts';

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
  /** The limits it is served with: the server's, lowered where its card's `serving` section says so. */
  readonly limits?: ModelLimits;
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
  /** The server-wide limits; a model's card may lower them for that model (serving-limits.ts). */
  readonly limits: ServerLimits;
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

/**
 * The models found under one folder, each loaded into every session worker and warmed up before it
 * counts as ready. Names come only from listing that folder; lookups by a request's name never touch
 * the file system.
 */
export class ModelRegistry {
  private readonly entries = new Map<string, ModelEntry>();
  private watcher: FolderWatcher | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private closed = false;
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
    return this.serializedScan(options.settleMs ?? 0).then((r) => r.changed);
  }

  private serializedScan(settleMs: number): Promise<{ changed: boolean; unsettled: boolean }> {
    const next = this.scanning.catch(() => {}).then(() => this.scanOnce(settleMs));
    this.scanning = next.then(
      () => {},
      () => {},
    );
    return next;
  }

  /**
   * One scan: whether something changed, and whether files modified within `settleMs` were skipped
   * (still being written; a later scan loads them).
   */
  private async scanOnce(settleMs: number): Promise<{ changed: boolean; unsettled: boolean }> {
    if (this.closed) return { changed: false, unsettled: false };
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
    let unsettled = false;
    for (const name of names) {
      const { fingerprint: fp, changedAt } = await folderFingerprint(modelsDir, name);
      const current = this.entries.get(name);
      if (current && current.fingerprint === fp) continue;
      // Files changed a moment ago may still be being written (a copy in progress, the second file of
      // a deploy): leave them to a later scan rather than load a half-finished version.
      if (settleMs > 0 && Date.now() - changedAt < settleMs) {
        unsettled = true;
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
    return { changed: work.length > 0, unsettled };
  }

  private set(entry: ModelEntry): void {
    this.entries.set(entry.name, entry);
    this.options.onChange?.(entry, entry.name);
  }

  private async load(name: string, fingerprint: string, previous: ModelEntry | undefined): Promise<void> {
    const { modelsDir, pool, scheduler, device, logger, limits: serverLimits } = this.options;
    const generation = Math.max(previous?.generation ?? 0, this.generations.get(name) ?? 0) + 1;
    const key = `${name}#${generation}`;
    const serving = previous?.status === 'ready' ? previous : undefined;
    if (!serving) this.set({ name, status: 'loading', generation: previous?.generation ?? 0, fingerprint });
    try {
      const { card, cardJson, modelOnnx, session, spec, limits, warmupMs } = await loadVersion({
        modelsDir,
        name,
        key,
        pool,
        device,
        serverLimits,
      });
      if (this.closed) return;
      scheduler.setTarget(name, {
        key,
        inputName: spec.inputName,
        outputName: spec.outputName,
        latentDim: spec.latentDim,
        maxBatch: limits.maxBatch,
        msPerSample: warmupMs,
        ...(spec.conditioning ? { classInputName: spec.conditioning.inputName } : {}),
      });
      this.generations.set(name, generation);
      const loadedAt = new Date();
      this.set({
        name,
        status: 'ready',
        card,
        spec,
        limits,
        provider: session.provider,
        loadedAt: loadedAt.toISOString(),
        generation,
        fingerprint,
        files: { modelOnnx, cardJson, etag: strongEtag(modelOnnx, cardJson), loadedAt },
      });
      logger.info(
        { model: name, provider: session.provider, generation, fallbacks: session.fallbacks },
        `model ${name} ready on ${session.provider}${session.fallbacks
          .map((f) => `; ${f.provider} skipped: ${f.message}`)
          .join('')}`,
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
   * Reloads what changes under the models folder from now on (folder-watcher.ts: a full rescan every
   * pollIntervalMs, sooner on file-system events debounced by `debounceMs`, files still being written
   * left to a later rescan).
   */
  watch(debounceMs = 150): void {
    if (this.watcher || this.closed) return;
    this.watcher = new FolderWatcher({
      dir: this.options.modelsDir,
      logger: this.options.logger,
      pollIntervalMs: this.options.pollIntervalMs ?? 1000,
      debounceMs,
      idle: () => this.scanning,
      rescan: (settleMs) => this.serializedScan(settleMs),
    });
    this.watcher.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    await this.scanning.catch(() => {});
  }
}
