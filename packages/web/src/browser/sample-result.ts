/** What <gan-sampler> sends and keeps of each request, as plain data (no DOM types). */
import { GanforgeError } from '@ganforge/core';
import type { SamplerLayout } from './attributes.ts';
import type { GridPixels } from './grid-image.ts';
import { errorText, type BackendName, type GeneratorOutput, type RuntimeInfo } from './onnx-generator.ts';

/** Detail of the 'sample' event, sent each time a grid is drawn. */
export interface SampleDetail {
  readonly model: string;
  /** The seed the latents came from; null after setLatents(). */
  readonly seed: number | null;
  /** The truncation the seeded latents were drawn with; null for none (and after setLatents()). */
  readonly truncation: number | null;
  /** Images drawn (layout="per-class": classes x latents). */
  readonly n: number;
  readonly layout: SamplerLayout;
  /** Class id of each image, in grid order (row-major); null for an unconditional model. */
  readonly classes: readonly number[] | null;
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

/** Detail of the 'load' event: the model as written in `model`, and how its session runs. */
export interface LoadDetail extends RuntimeInfo {
  readonly model: string;
}

/** One drawn request, as plain data. */
export interface SampleResult {
  readonly detail: SampleDetail;
  /** The generator's images: NHWC float32 in [-1, 1], with their shape. */
  readonly output: GeneratorOutput;
  /** The images tiled into one grid, 8 bits per channel (what the server's samples.png holds). */
  readonly grid: GridPixels;
  /** The latents the images came from (n * latentDim, row-major; per-class: each latent once per row). */
  readonly latents: Float32Array;
}

/** The `error` detail of a thrown value: a GanforgeError's own code and hint, anything else as sampler_failed. */
export function errorDetail(e: unknown): SamplerErrorDetail {
  return e instanceof GanforgeError
    ? { code: e.code, message: e.message, hint: e.hint }
    : { code: 'sampler_failed', message: errorText(e), hint: undefined };
}
