import { GanforgeError } from '@ganforge/core';
import type { BackendPreference } from './onnx-generator.ts';

/** The element's attributes, parsed and checked. */
export interface SamplerSettings {
  readonly model: string | undefined;
  readonly seed: number;
  readonly n: number;
  readonly columns: number | undefined;
  readonly truncation: number | undefined;
  readonly backend: BackendPreference;
  /** Display width of the grid in CSS pixels. */
  readonly size: number;
  /** Base URL of the ganforge server (default: where the component script came from). */
  readonly server: string | undefined;
}

export const SAMPLER_ATTRIBUTES = [
  'model',
  'seed',
  'n',
  'columns',
  'truncation',
  'backend',
  'size',
  'server',
] as const;
export type SamplerAttribute = (typeof SAMPLER_ATTRIBUTES)[number];

export const MAX_SAMPLES = 256;

type Get = (name: SamplerAttribute) => string | null;

function integer(get: Get, name: SamplerAttribute, min: number, max: number, fallback: number): number;
function integer(
  get: Get,
  name: SamplerAttribute,
  min: number,
  max: number,
  fallback: undefined,
): number | undefined;
function integer(get: Get, name: SamplerAttribute, min: number, max: number, fallback: number | undefined) {
  const raw = get(name);
  if (raw === null || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new GanforgeError('bad_attribute', `${name}="${raw}" is not a whole number from ${min} to ${max}`, {
      hint: `set ${name} to e.g. ${fallback ?? min}`,
    });
  }
  return v;
}

/** Reads the attributes; throws GanforgeError naming the attribute and value that is wrong. */
export function readSettings(get: Get): SamplerSettings {
  const n = integer(get, 'n', 1, MAX_SAMPLES, 16);
  const columns = integer(get, 'columns', 1, MAX_SAMPLES, undefined);
  const rawTruncation = get('truncation');
  let truncation: number | undefined;
  if (rawTruncation !== null && rawTruncation.trim() !== '') {
    truncation = Number(rawTruncation);
    if (!(truncation > 0 && Number.isFinite(truncation))) {
      throw new GanforgeError('bad_attribute', `truncation="${rawTruncation}" is not a number > 0`, {
        hint: 'use e.g. truncation="0.7", or remove the attribute for no truncation',
      });
    }
  }
  const backend = get('backend') ?? 'auto';
  if (backend !== 'wasm' && backend !== 'webgpu' && backend !== 'auto') {
    throw new GanforgeError('bad_attribute', `backend="${backend}" is not one of wasm, webgpu, auto`, {
      hint: 'use backend="auto" to take WebGPU when the browser offers it',
    });
  }
  return {
    model: get('model')?.trim() || undefined,
    seed: integer(get, 'seed', 0, Number.MAX_SAFE_INTEGER, 0),
    n,
    columns,
    truncation,
    backend,
    size: integer(get, 'size', 16, 4096, 256),
    server: get('server')?.trim() || undefined,
  };
}
