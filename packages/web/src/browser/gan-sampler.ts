import { GanforgeError, sampleLatents } from '@ganforge/core';
import { readSettings, SAMPLER_ATTRIBUTES, type SamplerSettings } from './attributes.ts';
import { gridFromOutput, gridToRgba, type GridPixels } from './grid-image.ts';
import { fetchCard, fetchModelBytes, locateModel, type GeneratorFacts } from './model-source.ts';
import { errorText, OnnxGenerator, type BackendName, type RuntimeInfo } from './onnx-generator.ts';
import { SAMPLER_CSS } from './sampler-style.ts';

/** Detail of the 'sample' event, sent each time a grid is drawn. */
export interface SampleDetail {
  readonly model: string;
  /** The seed the latents came from; null after setLatents(). */
  readonly seed: number | null;
  /** The truncation the seeded latents were drawn with; null for none (and after setLatents()). */
  readonly truncation: number | null;
  readonly n: number;
  readonly latentDim: number;
  /** Wall time of the generator run (onnxruntime-web), in ms, and per sample. */
  readonly ms: number;
  readonly msPerSample: number;
  readonly backend: BackendName;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  readonly note: string | undefined;
  readonly width: number;
  readonly height: number;
}

/** Detail of the 'error' event; the same text is shown inside the element. */
export interface SamplerErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly hint: string | undefined;
}

interface Loaded {
  readonly key: string;
  readonly facts: GeneratorFacts;
  readonly generator: OnnxGenerator;
}

/** Where the component script was served from: model names and onnxruntime-web's files resolve there. */
const SCRIPT_ORIGIN = new URL('/', import.meta.url);

/**
 * `<gan-sampler model="mnist-dcgan" seed="42" n="16">`: draws a grid of generator samples with
 * onnxruntime-web, from the same seeded latents as the server's `GET /v1/models/:name/samples.png`.
 */
export class GanSamplerElement extends HTMLElement {
  static readonly observedAttributes = [...SAMPLER_ATTRIBUTES];

  readonly #root: ShadowRoot;
  readonly #canvas: HTMLCanvasElement;
  readonly #status: HTMLElement;
  readonly #error: HTMLElement;
  #loaded: Loaded | undefined;
  #loading: Promise<Loaded> | undefined;
  #loadingKey: string | undefined;
  #latents: Float32Array | undefined;
  #seed: number | null = null;
  #grid: GridPixels | undefined;
  #last: SampleDetail | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #ticket = 0;
  #latest: Promise<SampleDetail> | undefined;
  #updateQueued = false;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(SAMPLER_CSS);
    this.#root.adoptedStyleSheets = [sheet];
    this.#canvas = document.createElement('canvas');
    this.#canvas.setAttribute('part', 'canvas');
    this.#canvas.hidden = true;
    this.#status = document.createElement('div');
    this.#status.className = 'status';
    this.#status.setAttribute('part', 'status');
    this.#status.setAttribute('aria-live', 'polite');
    this.#error = document.createElement('div');
    this.#error.className = 'error';
    this.#error.setAttribute('part', 'error');
    this.#error.setAttribute('role', 'alert');
    this.#error.hidden = true;
    this.#root.append(this.#canvas, this.#error, this.#status);
  }

  connectedCallback(): void {
    this.#queueUpdate();
  }

  disconnectedCallback(): void {
    // Free the session when the element leaves the page (not when it is merely moved).
    queueMicrotask(() => {
      if (this.isConnected || !this.#loaded) return;
      const loaded = this.#loaded;
      this.#loaded = undefined;
      this.#chain = this.#chain.then(() => loaded.generator.dispose()).catch(() => undefined);
    });
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue) return;
    if (name === 'size') {
      this.#layout();
      return;
    }
    this.#queueUpdate();
  }

  // ---- properties mirroring the attributes ----
  get model(): string | null {
    return this.getAttribute('model');
  }
  set model(v: string | null) {
    this.#reflect('model', v);
  }
  get seed(): number {
    return Number(this.getAttribute('seed') ?? 0);
  }
  set seed(v: number) {
    this.#reflect('seed', String(v));
  }
  get n(): number {
    return Number(this.getAttribute('n') ?? 16);
  }
  set n(v: number) {
    this.#reflect('n', String(v));
  }
  get columns(): number | null {
    const c = this.getAttribute('columns');
    return c === null ? null : Number(c);
  }
  set columns(v: number | null) {
    this.#reflect('columns', v === null ? null : String(v));
  }
  get truncation(): number | null {
    const t = this.getAttribute('truncation');
    return t === null || t === '' ? null : Number(t);
  }
  set truncation(v: number | null) {
    this.#reflect('truncation', v === null ? null : String(v));
  }
  get backend(): string {
    return this.getAttribute('backend') ?? 'auto';
  }
  set backend(v: string) {
    this.#reflect('backend', v);
  }
  get size(): number {
    return Number(this.getAttribute('size') ?? 256);
  }
  set size(v: number) {
    this.#reflect('size', String(v));
  }

  // ---- read-only state ----
  /** The card of the loaded model, once loaded. */
  get card(): GeneratorFacts['card'] | undefined {
    return this.#loaded?.facts.card;
  }
  get latentDim(): number | undefined {
    return this.#loaded?.facts.latentDim;
  }
  /** The prior of the loaded model's latents ('uniform' = U(-1, 1), 'normal' = N(0, 1)). */
  get latentDistribution(): GeneratorFacts['distribution'] | undefined {
    return this.#loaded?.facts.distribution;
  }
  /** A copy of the latents of the grid on screen (n * latentDim, row-major). */
  get latents(): Float32Array | undefined {
    return this.#latents?.slice();
  }
  /** The grid on screen, 8 bits per channel (what downloadPng saves). */
  get pixels(): GridPixels | undefined {
    return this.#grid;
  }
  get runtime(): RuntimeInfo | undefined {
    return this.#loaded?.generator.runtime;
  }
  get lastSample(): SampleDetail | undefined {
    return this.#last;
  }

  // ---- methods ----
  /** Samples n latents from the seed (and truncation) in the attributes and draws them. */
  sample(): Promise<SampleDetail> {
    return this.#schedule(async () => {
      const settings = this.#settings();
      const loaded = await this.#load(settings);
      const z = sampleLatents({
        seed: settings.seed,
        n: settings.n,
        latentDim: loaded.facts.latentDim,
        distribution: loaded.facts.distribution,
        ...(settings.truncation === undefined ? {} : { truncation: settings.truncation }),
      });
      return this.#draw(loaded, settings, z, settings.n, settings.seed);
    });
  }

  /** Draws the given latents (k * latentDim values: k samples) instead of seeded ones. */
  setLatents(latents: Float32Array): Promise<SampleDetail> {
    const z = Float32Array.from(latents);
    return this.#schedule(async () => {
      const settings = this.#settings();
      const loaded = await this.#load(settings);
      const dim = loaded.facts.latentDim;
      if (z.length === 0 || z.length % dim !== 0) {
        throw new GanforgeError(
          'bad_latents',
          `setLatents got ${z.length} values, not a positive multiple of the latent size ${dim}`,
          { hint: `pass k * ${dim} numbers for k samples` },
        );
      }
      return this.#draw(loaded, settings, z, z.length / dim, null);
    });
  }

  /** Saves the grid on screen as a PNG (the canvas pixels, unscaled). Resolves with the PNG blob. */
  async downloadPng(filename?: string): Promise<Blob> {
    if (!this.#grid) throw new GanforgeError('nothing_drawn', 'there is no sample grid to download yet');
    const blob = await new Promise<Blob>((resolve, reject) =>
      this.#canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob failed'))), 'image/png'),
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    const seedPart = this.#seed === null ? 'latents' : `seed${this.#seed}`;
    a.download = filename ?? `${this.model ?? 'samples'}-${seedPart}.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return blob;
  }

  // ---- internals ----
  #reflect(name: string, value: string | null): void {
    if (value === null) this.removeAttribute(name);
    else this.setAttribute(name, value);
  }

  #settings(): SamplerSettings {
    return readSettings((name) => this.getAttribute(name));
  }

  #queueUpdate(): void {
    if (this.#updateQueued) return;
    this.#updateQueued = true;
    queueMicrotask(() => {
      this.#updateQueued = false;
      if (!this.isConnected || !this.hasAttribute('model')) return;
      this.sample().catch(() => undefined); // shown in the element and sent as an 'error' event
    });
  }

  /**
   * Runs draws one at a time (a session runs one batch at a time); a request that is overtaken before
   * it starts is skipped and resolves with the newer one's result, so dragging a slider never queues up.
   */
  #schedule(work: () => Promise<SampleDetail>): Promise<SampleDetail> {
    const ticket = ++this.#ticket;
    const run = async (): Promise<SampleDetail | undefined> => {
      if (ticket !== this.#ticket) return undefined;
      try {
        const detail = await work();
        this.#showError(undefined);
        return detail;
      } catch (e) {
        this.#showError(e);
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
    if (typeof WebAssembly !== 'object') {
      throw new GanforgeError(
        'no_webassembly',
        'this browser has no WebAssembly, which <gan-sampler> needs to run the model',
        {
          hint: 'use a current Chrome, Edge, Firefox or Safari with WebAssembly enabled',
        },
      );
    }
    if (settings.model === undefined) {
      throw new GanforgeError('no_model', 'no model set', { hint: 'add model="<name>" to <gan-sampler>' });
    }
    const server = settings.server === undefined ? SCRIPT_ORIGIN : new URL(settings.server, document.baseURI);
    const key = `${settings.model}|${settings.backend}|${server.href}`;
    if (this.#loaded?.key === key) return this.#loaded;
    if (this.#loading && this.#loadingKey === key) return this.#loading;
    this.#loadingKey = key;
    this.#loading = (async () => {
      this.#setStatus(`Loading model “${settings.model}”…`);
      const previous = this.#loaded;
      this.#loaded = undefined;
      await previous?.generator.dispose();
      const location = locateModel(settings.model!, server, document.baseURI);
      const [facts, bytes] = await Promise.all([fetchCard(location), fetchModelBytes(location)]);
      let generator: OnnxGenerator;
      try {
        generator = await OnnxGenerator.load(bytes, settings.backend, server);
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
      this.dispatchEvent(
        new CustomEvent('load', { detail: { model: settings.model, ...generator.runtime } }),
      );
      return loaded;
    })();
    try {
      return await this.#loading;
    } finally {
      this.#loading = undefined;
      this.#loadingKey = undefined;
    }
  }

  async #draw(
    loaded: Loaded,
    settings: SamplerSettings,
    z: Float32Array,
    n: number,
    seed: number | null,
  ): Promise<SampleDetail> {
    const dim = loaded.facts.latentDim;
    const t0 = performance.now();
    const out = await loaded.generator.run(z, n, dim, loaded.facts);
    const ms = performance.now() - t0;
    const columns = settings.columns === undefined ? undefined : Math.min(settings.columns, n);
    const grid = gridFromOutput(out, columns);
    const canvas = this.#canvas;
    canvas.width = grid.width;
    canvas.height = grid.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new GanforgeError('no_canvas', 'this browser gave no 2D canvas context');
    ctx.putImageData(new ImageData(gridToRgba(grid), grid.width, grid.height), 0, 0);
    canvas.hidden = false;
    this.#grid = grid;
    this.#latents = z;
    this.#seed = seed;
    this.#layout();
    const rt = loaded.generator.runtime;
    const detail: SampleDetail = {
      model: settings.model ?? '',
      seed,
      truncation: seed === null ? null : (settings.truncation ?? null),
      n,
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
    this.#last = detail;
    const threads = rt.backend === 'wasm' ? ` · ${rt.threads} thread${rt.threads === 1 ? '' : 's'}` : '';
    this.#setStatus(
      `${n} sample${n === 1 ? '' : 's'} in ${ms.toFixed(1)} ms (${detail.msPerSample.toFixed(2)} ms each) · ${rt.backend}${threads}`,
      rt.note,
    );
    this.dispatchEvent(new CustomEvent<SampleDetail>('sample', { detail }));
    return detail;
  }

  #layout(): void {
    const size = Number(this.getAttribute('size') ?? 256);
    const width = Number.isFinite(size) && size > 0 ? size : 256;
    this.#canvas.style.width = `${width}px`;
    const grid = this.#grid;
    this.#canvas.style.height = grid ? `${(width * grid.height) / grid.width}px` : '';
  }

  #setStatus(text: string, note?: string): void {
    this.#status.textContent = text;
    if (note) {
      const small = document.createElement('div');
      small.className = 'note';
      small.textContent = note;
      this.#status.append(small);
    }
  }

  #showError(e: unknown): void {
    if (e === undefined) {
      this.#error.hidden = true;
      this.#error.textContent = '';
      return;
    }
    const detail: SamplerErrorDetail =
      e instanceof GanforgeError
        ? { code: e.code, message: e.message, hint: e.hint }
        : { code: 'sampler_failed', message: errorText(e), hint: undefined };
    this.#error.textContent = '';
    const title = document.createElement('strong');
    title.textContent = 'gan-sampler: ';
    const msg = document.createElement('span');
    msg.className = 'message';
    msg.textContent = detail.message;
    this.#error.append(title, msg);
    if (detail.hint) {
      const hint = document.createElement('div');
      hint.className = 'hint';
      hint.textContent = detail.hint;
      this.#error.append(hint);
    }
    this.#error.hidden = false;
    this.#status.textContent = '';
    this.dispatchEvent(new CustomEvent<SamplerErrorDetail>('error', { detail }));
  }
}
