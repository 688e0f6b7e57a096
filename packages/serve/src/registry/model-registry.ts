import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GanforgeError, parseModelCard, sampleLatents, type ModelCard } from '@ganforge/core';
import type { BatchScheduler } from '../engine/batch-scheduler.ts';
import type { DeviceChoice, ExecutionProvider, WorkerPool } from '../engine/worker-pool.ts';
import { isValidModelName } from './model-name.ts';

/** models/evaluators/ holds the classifiers `ganforge eval` scores with, not generators to serve. */
export const EVALUATORS_DIR = 'evaluators';
import { specFromCard, type ModelSpec } from './model-spec.ts';

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
  /** Size + mtime of model.onnx and card.json; a change triggers a reload. */
  readonly fingerprint: string;
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
}

function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof GanforgeError) return { code: e.code, message: e.message };
  return { code: 'model_load_failed', message: e instanceof Error ? e.message : String(e) };
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
  private scanning: Promise<void> = Promise.resolve();
  private rescanQueued = false;
  private closed = false;

  constructor(private readonly options: RegistryOptions) {}

  list(): ModelEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Looks a name up in memory only; invalid names are simply unknown. */
  get(name: string): ModelEntry | undefined {
    if (!isValidModelName(name)) return undefined;
    return this.entries.get(name);
  }

  /** True when at least one model exists and every model is ready. */
  allReady(): boolean {
    const all = this.list();
    return all.length > 0 && all.every((e) => e.status === 'ready' && !e.error);
  }

  /** Lists the folder and (re)loads what changed. Concurrent calls are serialized. */
  scan(): Promise<void> {
    this.scanning = this.scanning.catch(() => {}).then(() => this.scanOnce());
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    if (this.closed) return;
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
      const fp = await this.fingerprint(name);
      const current = this.entries.get(name);
      if (current && current.fingerprint === fp) continue;
      work.push(this.load(name, fp, current));
    }
    for (const name of [...this.entries.keys()]) {
      if (!seen.has(name)) work.push(this.remove(name));
    }
    await Promise.all(work);
    if (work.length > 0)
      logger.info({ models: this.list().map((e) => ({ name: e.name, status: e.status })) }, 'models scanned');
  }

  private async fingerprint(name: string): Promise<string> {
    const dir = join(this.options.modelsDir, name);
    const part = async (file: string) => {
      try {
        const s = await stat(join(dir, file));
        return `${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        return 'missing';
      }
    };
    return `${await part('model.onnx')}|${await part('card.json')}`;
  }

  private set(entry: ModelEntry): void {
    this.entries.set(entry.name, entry);
    this.options.onChange?.(entry, entry.name);
  }

  private async load(name: string, fingerprint: string, previous: ModelEntry | undefined): Promise<void> {
    const { modelsDir, pool, scheduler, device, logger } = this.options;
    const generation = (previous?.generation ?? 0) + 1;
    const key = `${name}#${generation}`;
    const serving = previous?.status === 'ready' ? previous : undefined;
    if (!serving) this.set({ name, status: 'loading', generation: previous?.generation ?? 0, fingerprint });
    const dir = join(modelsDir, name);
    try {
      const cardPath = join(dir, 'card.json');
      let cardJson: unknown;
      try {
        cardJson = JSON.parse(await readFile(cardPath, 'utf8'));
      } catch (e) {
        throw new GanforgeError('bad_card', `cannot read ${cardPath}: ${errorInfo(e).message}`, {
          hint: 're-export the model with `ganforge export`',
        });
      }
      const card = parseModelCard(cardJson);
      const onnxPath = join(dir, 'model.onnx');
      try {
        await stat(onnxPath);
      } catch {
        throw new GanforgeError('model_missing', `${onnxPath} does not exist`, {
          hint: 're-export the model with `ganforge export`',
        });
      }
      let loaded;
      try {
        loaded = await pool.load(key, onnxPath, device);
      } catch (e) {
        throw new GanforgeError('model_load_failed', `cannot load ${onnxPath}: ${errorInfo(e).message}`, {
          hint:
            device === 'cuda'
              ? 'install the CUDA execution provider (see README) or use --device auto'
              : 'the file may be corrupt; re-export it',
        });
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
      this.set({
        name,
        status: 'ready',
        card,
        spec,
        provider: loaded.provider,
        loadedAt: new Date().toISOString(),
        generation,
        fingerprint,
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

  /** Rescans (debounced) whenever something under the models folder changes. */
  watch(debounceMs = 150): void {
    if (this.watcher) return;
    this.watcher = watch(this.options.modelsDir, { recursive: true }, () => {
      clearTimeout(this.rescanTimer);
      this.rescanTimer = setTimeout(() => {
        if (this.rescanQueued) return;
        this.rescanQueued = true;
        void this.scanning.then(() => {
          this.rescanQueued = false;
          return this.scan().catch((e: unknown) =>
            this.options.logger.error({ error: errorInfo(e) }, 'rescan failed'),
          );
        });
      }, debounceMs);
    });
    this.watcher.on('error', (e) =>
      this.options.logger.warn({ error: errorInfo(e) }, 'models folder watch failed'),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rescanTimer);
    this.watcher?.close();
    await this.scanning.catch(() => {});
  }
}
