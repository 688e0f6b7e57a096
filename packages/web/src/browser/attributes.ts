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
  /** The class every sample is drawn as (a class index or name; class-plan.ts), as written. */
  readonly label: string | undefined;
  readonly layout: SamplerLayout;
}

/** 'grid': n samples; 'per-class': one row per class of a conditional model, the same latents down each column. */
export type SamplerLayout = 'grid' | 'per-class';
const LAYOUTS: readonly SamplerLayout[] = ['grid', 'per-class'];

export const MAX_SAMPLES = 256;

/** One attribute: the type of its element property and what the property reads when it is absent. */
export interface AttributeSpec {
  readonly type: 'string' | 'number';
  /** The property's value when the attribute is absent (null: the property is nullable). */
  readonly absent: string | number | null;
  /** Whole numbers: the range readSettings accepts. */
  readonly range?: readonly [min: number, max: number];
  /** An empty attribute reads as absent. */
  readonly emptyIsAbsent?: true;
  /** false: the attribute has no element property. */
  readonly property?: false;
}

/**
 * Every attribute of <gan-sampler>, once: the element observes these, defines one reflecting property
 * per entry from it (attribute-properties.ts), and readSettings takes defaults and ranges from it.
 */
export const SAMPLER_ATTRIBUTE_TABLE = {
  model: { type: 'string', absent: null },
  seed: { type: 'number', absent: 0, range: [0, Number.MAX_SAFE_INTEGER] },
  n: { type: 'number', absent: 16, range: [1, MAX_SAMPLES] },
  columns: { type: 'number', absent: null, range: [1, MAX_SAMPLES] },
  truncation: { type: 'number', absent: null, emptyIsAbsent: true },
  backend: { type: 'string', absent: 'auto' },
  size: { type: 'number', absent: 256, range: [16, 4096] },
  server: { type: 'string', absent: null, property: false },
  label: { type: 'string', absent: null, emptyIsAbsent: true },
  layout: { type: 'string', absent: 'grid' },
} as const satisfies Record<string, AttributeSpec>;

type Table = typeof SAMPLER_ATTRIBUTE_TABLE;
export type SamplerAttribute = keyof Table;
export const SAMPLER_ATTRIBUTES = Object.keys(SAMPLER_ATTRIBUTE_TABLE) as readonly SamplerAttribute[];

type PropertyValue<S extends AttributeSpec> =
  (S['type'] extends 'number' ? number : string) | (S['absent'] extends null ? null : never);
/** The element's attribute-reflecting properties, typed from the table. */
export type SamplerProperties = {
  -readonly [K in SamplerAttribute as Table[K] extends { property: false } ? never : K]: PropertyValue<
    Table[K]
  >;
};

type Get = (name: SamplerAttribute) => string | null;
type WholeNumber = {
  [K in SamplerAttribute]: Table[K] extends { range: unknown } ? K : never;
}[SamplerAttribute];

function integer(get: Get, name: WholeNumber): number | undefined {
  const spec: AttributeSpec = SAMPLER_ATTRIBUTE_TABLE[name];
  const [min, max] = spec.range!;
  const fallback = spec.absent ?? undefined;
  const raw = get(name);
  if (raw === null || raw.trim() === '') return fallback === undefined ? undefined : Number(fallback);
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new GanforgeError('bad_attribute', `${name}="${raw}" is not a whole number from ${min} to ${max}`, {
      hint: `set ${name} to e.g. ${fallback ?? min}`,
    });
  }
  return v;
}

/** A whole-number attribute that has a default. */
const counted = (get: Get, name: 'seed' | 'n' | 'size'): number => integer(get, name)!;

/** Reads the attributes; throws GanforgeError naming the attribute and value that is wrong. */
export function readSettings(get: Get): SamplerSettings {
  const n = counted(get, 'n');
  const columns = integer(get, 'columns');
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
  const backend = get('backend') ?? SAMPLER_ATTRIBUTE_TABLE.backend.absent;
  if (backend !== 'wasm' && backend !== 'webgpu' && backend !== 'auto') {
    throw new GanforgeError('bad_attribute', `backend="${backend}" is not one of wasm, webgpu, auto`, {
      hint: 'use backend="auto" to take WebGPU when the browser offers it',
    });
  }
  const layout = get('layout') ?? SAMPLER_ATTRIBUTE_TABLE.layout.absent;
  if (!(LAYOUTS as readonly string[]).includes(layout)) {
    throw new GanforgeError('bad_attribute', `layout="${layout}" is not one of ${LAYOUTS.join(', ')}`, {
      hint: 'use layout="per-class" for one row per class of a class-conditional model',
    });
  }
  const label = get('label');
  return {
    model: get('model')?.trim() || undefined,
    seed: counted(get, 'seed'),
    n,
    columns,
    truncation,
    backend,
    size: counted(get, 'size'),
    server: get('server')?.trim() || undefined,
    label: label === null || label.trim() === '' ? undefined : label,
    layout: layout as SamplerLayout,
  };
}
