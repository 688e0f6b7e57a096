import { GanforgeError, interpolateLatents, sampleLatents, type InterpolationMode } from '@ganforge/core';
import type { ModelSpec } from '../registry/model-spec.ts';

function badField(field: string, message: string): GanforgeError {
  return Object.assign(
    new GanforgeError('invalid_request', `body field '${field}': ${message}`, { status: 400 }),
    { field },
  );
}

/** The latents for a request: drawn from the seed exactly as the browser sampler draws them, or given. */
export function requestLatents(
  spec: ModelSpec,
  req: {
    n?: number | undefined;
    seed: number;
    latents?: number[][] | undefined;
    truncation?: number | undefined;
  },
): { latents: Float32Array; n: number } {
  if (req.latents) {
    if (req.n !== undefined && req.n !== req.latents.length) {
      throw badField('n', `n is ${req.n} but ${req.latents.length} latents were given`);
    }
    const n = req.latents.length;
    const out = new Float32Array(n * spec.latentDim);
    req.latents.forEach((row, i) => {
      if (row.length !== spec.latentDim) {
        throw badField(
          `latents[${i}]`,
          `expected ${spec.latentDim} numbers (the model's latent size), got ${row.length}`,
        );
      }
      row.forEach((v, j) => {
        if (!Number.isFinite(v)) throw badField(`latents[${i}][${j}]`, `expected a finite number, got ${v}`);
      });
      out.set(row, i * spec.latentDim);
    });
    return { latents: out, n };
  }
  const n = req.n ?? 1;
  return { latents: seededLatents(spec, req.seed, n, req.truncation), n };
}

export function seededLatents(
  spec: ModelSpec,
  seed: number,
  n: number,
  truncation: number | undefined,
): Float32Array {
  try {
    return sampleLatents({
      seed,
      n,
      latentDim: spec.latentDim,
      distribution: spec.distribution,
      ...(truncation !== undefined ? { truncation } : {}),
    });
  } catch (e) {
    if (e instanceof GanforgeError && e.code === 'bad_truncation') {
      throw Object.assign(
        new GanforgeError('invalid_request', `field 'truncation': ${e.message}`, {
          status: 400,
          ...(e.hint ? { hint: e.hint } : {}),
        }),
        {
          field: 'truncation',
        },
      );
    }
    throw e;
  }
}

/** A walk through the latents of `seeds` in turn: `steps` frames per segment, shared ends not repeated. */
export function walkLatents(
  spec: ModelSpec,
  seeds: readonly number[],
  steps: number,
  mode: InterpolationMode,
  truncation: number | undefined,
  boomerang: boolean,
): { latents: Float32Array; n: number } {
  const points = seeds.map((s) => seededLatents(spec, s, 1, truncation));
  const d = spec.latentDim;
  const rows: Float32Array[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const seg = interpolateLatents(points[k]!, points[k + 1]!, steps, mode);
    for (let i = k === 0 ? 0 : 1; i < steps; i++) rows.push(seg.subarray(i * d, (i + 1) * d));
  }
  if (boomerang) for (let i = rows.length - 2; i > 0; i--) rows.push(rows[i]!);
  const latents = new Float32Array(rows.length * d);
  rows.forEach((r, i) => latents.set(r, i * d));
  return { latents, n: rows.length };
}
