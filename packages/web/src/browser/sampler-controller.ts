/**
 * What <gan-sampler> does apart from the DOM: loads a generator (onnxruntime-web), runs sample requests
 * one at a time, latest wins, and hands each result over as plain data. It touches no document, element
 * or canvas, so it runs in Node as well as in the page; everything that differs between the two (where
 * model names resolve, how a session is made, the clock) comes in through its options.
 */
import { GanforgeError, sampleLatents } from '@ganforge/core';
import { MAX_SAMPLES, type SamplerSettings } from './attributes.ts';
import { planBatch, type BatchRequest, type ClassLabel } from './class-plan.ts';
import { gridFromOutput } from './grid-image.ts';
import { fetchCard, fetchModelBytes, locateModel, type GeneratorFacts } from './model-source.ts';
import { errorText, OnnxGenerator, type BackendPreference, type RuntimeInfo } from './onnx-generator.ts';
import {
  errorDetail,
  type LoadDetail,
  type SampleDetail,
  type SampleResult,
  type SamplerErrorDetail,
} from './sample-result.ts';

export type { LoadDetail, SampleDetail, SampleResult, SamplerErrorDetail } from './sample-result.ts';
export type { ClassLabel } from './class-plan.ts';

/** What one sample() or setLatents() call may add to the settings. */
export interface SampleOptions {
  /**
   * A class-conditional model: the class of each sample (a class index, or a class name or index as a
   * string), one per sample; instead of the `label` setting (and not with layout="per-class"). Copied
   * when called.
   */
  readonly labels?: readonly ClassLabel[];
}

/** What the controller needs of a generator session (OnnxGenerator). */
export type SampleGenerator = Pick<OnnxGenerator, 'runtime' | 'run' | 'dispose'>;

/** Called as requests progress; all optional. */
export interface SamplerHooks {
  /** A model starts loading. */
  loading?(model: string): void;
  /** A model's session is ready. */
  load?(detail: LoadDetail): void;
  /** A result is ready but not yet current: draw it here. Throwing fails the request and keeps the old one. */
  render?(result: SampleResult): void;
  /** The result is now the current one (lastSample, latents, grid). */
  sample?(result: SampleResult): void;
  /** After every request that ran: its failure, or undefined when it succeeded. */
  settled?(error: SamplerErrorDetail | undefined): void;
}

export interface SamplerControllerOptions {
  /** The settings of a request, read when the request starts to run (the element reads its attributes). */
  readonly settings: () => SamplerSettings;
  /** Where model names resolve without a `server` setting; also where onnxruntime-web's files come from. */
  readonly defaultServer: URL;
  /** What a relative `server` or model directory URL resolves against (the page's base URL). */
  readonly baseUrl: () => string;
  /** Makes a session from ONNX bytes (default: OnnxGenerator.load, which falls back to wasm). */
  readonly createGenerator?: (
    bytes: Uint8Array,
    backend: BackendPreference,
    assetBase: URL,
  ) => Promise<SampleGenerator>;
  /** Milliseconds, for the run timings (default: performance.now). */
  readonly now?: () => number;
  /** Whether WebAssembly is there to run a model (default: the global's presence). */
  readonly hasWebAssembly?: () => boolean;
  readonly hooks?: SamplerHooks;
}

interface Loaded {
  readonly key: string;
  readonly facts: GeneratorFacts;
  readonly generator: SampleGenerator;
}

export class SamplerController {
  readonly #options: SamplerControllerOptions;
  readonly #hooks: SamplerHooks;
  readonly #createGenerator: NonNullable<SamplerControllerOptions['createGenerator']>;
  readonly #now: () => number;
  #loaded: Loaded | undefined;
  #loading: Promise<Loaded> | undefined;
  #loadingKey: string | undefined;
  #current: SampleResult | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #ticket = 0;
  #latest: Promise<SampleDetail> | undefined;

  constructor(options: SamplerControllerOptions) {
    this.#options = options;
    this.#hooks = options.hooks ?? {};
    this.#createGenerator = options.createGenerator ?? ((b, p, base) => OnnxGenerator.load(b, p, base));
    this.#now = options.now ?? (() => performance.now());
  }

  /** The card facts of the loaded model; undefined before it loads and while another one loads. */
  get facts(): GeneratorFacts | undefined {
    return this.#loaded?.facts;
  }
  get runtime(): RuntimeInfo | undefined {
    return this.#loaded?.generator.runtime;
  }
  /** The current result: the last request that succeeded. */
  get current(): SampleResult | undefined {
    return this.#current;
  }

  /**
   * Samples n latents from the settings' seed (and truncation) and runs them; a class-conditional model
   * draws them as the classes class-plan.ts describes (layout="per-class": each latent once per class).
   */
  sample(options: SampleOptions = {}): Promise<SampleDetail> {
    const labels = options.labels?.slice();
    return this.#schedule(async () => {
      const settings = this.#options.settings();
      const loaded = await this.#load(settings);
      const z = sampleLatents({
        seed: settings.seed,
        n: settings.n,
        latentDim: loaded.facts.latentDim,
        distribution: loaded.facts.distribution,
        ...(settings.truncation === undefined ? {} : { truncation: settings.truncation }),
      });
      return this.#run(loaded, settings, { z, count: settings.n, labels, source: 'n' }, settings.seed);
    });
  }

  /** Runs the given latents (k * latentDim values: k samples; copied now) instead of seeded ones. */
  setLatents(latents: Float32Array, options: SampleOptions = {}): Promise<SampleDetail> {
    const z = Float32Array.from(latents);
    const labels = options.labels?.slice();
    return this.#schedule(async () => {
      const settings = this.#options.settings();
      const loaded = await this.#load(settings);
      const dim = loaded.facts.latentDim;
      if (z.length === 0 || z.length % dim !== 0) {
        throw new GanforgeError(
          'bad_latents',
          `setLatents got ${z.length} values, not a positive multiple of the latent size ${dim}`,
          { hint: `pass k * ${dim} numbers for k samples` },
        );
      }
      return this.#run(loaded, settings, { z, count: z.length / dim, labels, source: 'setLatents' }, null);
    });
  }

  /** Frees the session after the request in progress; the next request loads the model again. */
  release(): Promise<void> {
    const loaded = this.#loaded;
    if (!loaded) return this.#chain.then(() => undefined);
    this.#loaded = undefined;
    const released = this.#chain.then(() => loaded.generator.dispose()).catch(() => undefined);
    this.#chain = released;
    return released;
  }

  /**
   * Runs requests one at a time (a session runs one batch at a time); a request that is overtaken before
   * it starts is skipped and resolves with the newer one's result, so dragging a slider never queues up.
   */
  #schedule(work: () => Promise<SampleDetail>): Promise<SampleDetail> {
    const ticket = ++this.#ticket;
    const run = async (): Promise<SampleDetail | undefined> => {
      if (ticket !== this.#ticket) return undefined;
      try {
        const detail = await work();
        this.#hooks.settled?.(undefined);
        return detail;
      } catch (e) {
        this.#hooks.settled?.(errorDetail(e));
        throw e;
      }
    };
    const done = this.#chain.then(run, run);
    this.#chain = done.catch(() => undefined);
    const result: Promise<SampleDetail> = done.then((r) => r ?? (this.#latest as Promise<SampleDetail>));
    this.#latest = result;
    return result;
  }

  async #load(settings: SamplerSettings): Promise<Loaded> {
    const hasWasm = this.#options.hasWebAssembly ?? (() => typeof WebAssembly === 'object');
    if (!hasWasm()) {
      throw new GanforgeError(
        'no_webassembly',
        'this browser has no WebAssembly, which <gan-sampler> needs to run the model',
        { hint: 'use a current Chrome, Edge, Firefox or Safari with WebAssembly enabled' },
      );
    }
    const model = settings.model;
    if (model === undefined) {
      throw new GanforgeError('no_model', 'no model set', { hint: 'add model="<name>" to <gan-sampler>' });
    }
    const { defaultServer, baseUrl } = this.#options;
    const server = settings.server === undefined ? defaultServer : new URL(settings.server, baseUrl());
    const key = `${model}|${settings.backend}|${server.href}`;
    if (this.#loaded?.key === key) return this.#loaded;
    if (this.#loading && this.#loadingKey === key) return this.#loading;
    this.#loadingKey = key;
    this.#loading = (async () => {
      this.#hooks.loading?.(model);
      const previous = this.#loaded;
      this.#loaded = undefined;
      await previous?.generator.dispose();
      const location = locateModel(model, server, baseUrl());
      const [facts, bytes] = await Promise.all([fetchCard(location), fetchModelBytes(location)]);
      let generator: SampleGenerator;
      try {
        generator = await this.#createGenerator(bytes, settings.backend, server);
      } catch (e) {
        throw new GanforgeError(
          'model_load_failed',
          `model “${location.label}” could not be loaded: ${errorText(e)}`,
          {
            hint: 'the file may be corrupt or use operators onnxruntime-web lacks; re-export it with `ganforge export`',
          },
        );
      }
      const loaded: Loaded = { key, facts, generator };
      this.#loaded = loaded;
      this.#hooks.load?.({ model, ...generator.runtime });
      return loaded;
    })();
    try {
      return await this.#loading;
    } finally {
      this.#loading = undefined;
      this.#loadingKey = undefined;
    }
  }

  async #run(
    loaded: Loaded,
    settings: SamplerSettings,
    request: Pick<BatchRequest, 'z' | 'count' | 'labels' | 'source'>,
    seed: number | null,
  ): Promise<SampleDetail> {
    const { facts } = loaded;
    const dim = facts.latentDim;
    const { z, n, classes, columns } = planBatch({
      ...request,
      model: settings.model ?? '',
      classes: facts.conditioning?.classes,
      label: settings.label,
      layout: settings.layout,
      columns: settings.columns,
      ...(request.source === 'n' ? { maxSamples: MAX_SAMPLES } : {}),
    });
    const t0 = this.#now();
    const output = await loaded.generator.run(z, n, dim, facts, classes ?? undefined);
    const ms = this.#now() - t0;
    const grid = gridFromOutput(output, columns === undefined ? undefined : Math.min(columns, n));
    const rt = loaded.generator.runtime;
    const detail: SampleDetail = {
      model: settings.model ?? '',
      seed,
      truncation: seed === null ? null : (settings.truncation ?? null),
      n,
      layout: settings.layout,
      classes,
      latentDim: dim,
      ms,
      msPerSample: ms / n,
      backend: rt.backend,
      threads: rt.threads,
      crossOriginIsolated: rt.crossOriginIsolated,
      note: rt.note,
      width: grid.width,
      height: grid.height,
    };
    const result: SampleResult = { detail, output, grid, latents: z };
    this.#hooks.render?.(result);
    this.#current = result;
    this.#hooks.sample?.(result);
    return detail;
  }
}
