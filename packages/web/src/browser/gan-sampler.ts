import { GanforgeError } from '@ganforge/core';
import { withAttributeProperties } from './attribute-properties.ts';
import { readSettings, SAMPLER_ATTRIBUTE_TABLE, SAMPLER_ATTRIBUTES } from './attributes.ts';
import { gridToRgba, type GridPixels } from './grid-image.ts';
import type { GeneratorFacts } from './model-source.ts';
import type { RuntimeInfo } from './onnx-generator.ts';
import {
  SamplerController,
  type LoadDetail,
  type SampleDetail,
  type SampleOptions,
  type SampleResult,
  type SamplerErrorDetail,
} from './sampler-controller.ts';
import { SAMPLER_CSS } from './sampler-style.ts';

export type {
  ClassLabel,
  LoadDetail,
  SampleDetail,
  SampleOptions,
  SamplerErrorDetail,
} from './sampler-controller.ts';

/** Where the component script was served from: model names and onnxruntime-web's files resolve there. */
const SCRIPT_ORIGIN = new URL('/', import.meta.url);

/**
 * `<gan-sampler model="mnist-dcgan" seed="42" n="16">`: draws a grid of generator samples with
 * onnxruntime-web, from the same seeded latents as the server's `GET /v1/models/:name/samples.png`.
 * Loading and request scheduling live in SamplerController; this element reads its attributes, shows
 * the controller's results on a canvas and sends them as events. Its attribute-reflecting properties
 * (model, seed, n, ...) are defined from SAMPLER_ATTRIBUTE_TABLE by withAttributeProperties.
 *
 * A class-conditional model (its card has a conditioning section): `label="7"` (a class index or name)
 * draws every sample as that class, `sample({ labels })` / `setLatents(z, { labels })` one class per
 * sample, `layout="per-class"` one row per class with the same latents down each column; with none of
 * these the classes cycle 0..K-1 across the samples (class-plan.ts).
 */
class SamplerElement extends HTMLElement {
  static readonly observedAttributes = [...SAMPLER_ATTRIBUTES];

  readonly #root: ShadowRoot;
  readonly #canvas: HTMLCanvasElement;
  readonly #status: HTMLElement;
  readonly #error: HTMLElement;
  readonly #controller: SamplerController;
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
    this.#controller = new SamplerController({
      settings: () => readSettings((name) => this.getAttribute(name)),
      defaultServer: SCRIPT_ORIGIN,
      baseUrl: () => document.baseURI,
      hooks: {
        loading: (model) => this.#setStatus(`Loading model “${model}”…`),
        load: (detail) => this.dispatchEvent(new CustomEvent<LoadDetail>('load', { detail })),
        render: (result) => this.#draw(result.grid),
        sample: (result) => this.#shown(result),
        settled: (error) => this.#showError(error),
      },
    });
  }

  connectedCallback(): void {
    this.#queueUpdate();
  }

  disconnectedCallback(): void {
    // Free the session when the element leaves the page (not when it is merely moved).
    queueMicrotask(() => {
      if (!this.isConnected) void this.#controller.release();
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

  // ---- read-only state ----
  /** The card of the loaded model, once loaded. */
  get card(): GeneratorFacts['card'] | undefined {
    return this.#controller.facts?.card;
  }
  get latentDim(): number | undefined {
    return this.#controller.facts?.latentDim;
  }
  /** The prior of the loaded model's latents ('uniform' = U(-1, 1), 'normal' = N(0, 1)). */
  get latentDistribution(): GeneratorFacts['distribution'] | undefined {
    return this.#controller.facts?.distribution;
  }
  /** The class id of each sample on screen (a copy); undefined for an unconditional model. */
  get labels(): number[] | undefined {
    return this.#controller.current?.detail.classes?.slice();
  }
  /** A copy of the latents of the grid on screen (n * latentDim, row-major). */
  get latents(): Float32Array | undefined {
    return this.#controller.current?.latents.slice();
  }
  /** The grid on screen, 8 bits per channel (what downloadPng saves). */
  get pixels(): GridPixels | undefined {
    return this.#controller.current?.grid;
  }
  get runtime(): RuntimeInfo | undefined {
    return this.#controller.runtime;
  }
  get lastSample(): SampleDetail | undefined {
    return this.#controller.current?.detail;
  }

  // ---- methods ----
  /**
   * Samples n latents from the seed (and truncation) in the attributes and draws them; `labels`: the
   * class of each of the n samples, for a class-conditional model (this request only).
   */
  sample(options?: SampleOptions): Promise<SampleDetail> {
    return this.#controller.sample(options);
  }

  /** Draws the given latents (k * latentDim values: k samples) instead of seeded ones, `labels` as sample(). */
  setLatents(latents: Float32Array, options?: SampleOptions): Promise<SampleDetail> {
    return this.#controller.setLatents(latents, options);
  }

  /** Saves the grid on screen as a PNG (the canvas pixels, unscaled). Resolves with the PNG blob. */
  async downloadPng(filename?: string): Promise<Blob> {
    const current = this.#controller.current;
    if (!current) throw new GanforgeError('nothing_drawn', 'there is no sample grid to download yet');
    const blob = await new Promise<Blob>((resolve, reject) =>
      this.#canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob failed'))), 'image/png'),
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    const seed = current.detail.seed;
    const seedPart = seed === null ? 'latents' : `seed${seed}`;
    a.download = filename ?? `${this.getAttribute('model') ?? 'samples'}-${seedPart}.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return blob;
  }

  // ---- internals ----
  #queueUpdate(): void {
    if (this.#updateQueued) return;
    this.#updateQueued = true;
    queueMicrotask(() => {
      this.#updateQueued = false;
      if (!this.isConnected || !this.hasAttribute('model')) return;
      this.sample().catch(() => undefined); // shown in the element and sent as an 'error' event
    });
  }

  #draw(grid: GridPixels): void {
    const canvas = this.#canvas;
    canvas.width = grid.width;
    canvas.height = grid.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new GanforgeError('no_canvas', 'this browser gave no 2D canvas context');
    ctx.putImageData(new ImageData(gridToRgba(grid), grid.width, grid.height), 0, 0);
    canvas.hidden = false;
  }

  #shown({ detail }: SampleResult): void {
    this.#layout();
    const { n, backend, threads: count } = detail;
    const threads = backend === 'wasm' ? ` · ${count} thread${count === 1 ? '' : 's'}` : '';
    this.#setStatus(
      `${n} sample${n === 1 ? '' : 's'} in ${detail.ms.toFixed(1)} ms (${detail.msPerSample.toFixed(2)} ms each) · ${backend}${threads}`,
      detail.note,
    );
    this.dispatchEvent(new CustomEvent<SampleDetail>('sample', { detail }));
  }

  #layout(): void {
    const size = Number(this.getAttribute('size') ?? SAMPLER_ATTRIBUTE_TABLE.size.absent);
    const width = Number.isFinite(size) && size > 0 ? size : SAMPLER_ATTRIBUTE_TABLE.size.absent;
    this.#canvas.style.width = `${width}px`;
    const grid = this.#controller.current?.grid;
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

  #showError(detail: SamplerErrorDetail | undefined): void {
    if (detail === undefined) {
      this.#error.hidden = true;
      this.#error.textContent = '';
      return;
    }
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

/** The <gan-sampler> element class: SamplerElement plus one property per attribute of the table. */
export const GanSamplerElement = withAttributeProperties(SamplerElement);
export type GanSamplerElement = InstanceType<typeof GanSamplerElement>;
