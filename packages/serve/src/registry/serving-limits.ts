import type { ModelCard } from '@ganforge/core';

/** The server-wide limits (`--max-batch`, `--max-n`, or their defaults in settings.ts). */
export interface ServerLimits {
  readonly maxBatch: number;
  readonly maxN: number;
}

/** The limits one model is served with. */
export interface ModelLimits {
  /** Most latents per session.run (one merged batch) for this model. */
  readonly maxBatch: number;
  /** Most samples (or interpolation frames) one request may ask of this model. */
  readonly maxSamplesPerRequest: number;
}

/**
 * A model's effective limits: for each, min(its card's `serving` value, the server's setting).
 *
 * Both sides are ceilings, so the smaller one wins. The card describes the model (a large generator may
 * need too much memory past some batch size); the server's setting describes the deployment (memory,
 * latency, how much one client may ask for). A card can therefore lower a limit for its model but never
 * raise it past the operator's setting: a file dropped into the models folder must not lift the limits
 * that protect the server. (Not "an explicit flag wins": `ganforge serve` always passes every setting,
 * defaults included, so an explicit flag cannot be told from a default, and a flag raised for the
 * machine must not push a model past what its card says it takes.) A card without `serving`, or
 * without one of its keys, gets the server's setting, exactly as before cards had the section.
 */
export function servingLimits(card: ModelCard, server: ServerLimits): ModelLimits {
  const serving = card.serving ?? {};
  return {
    maxBatch: Math.min(serving.maxBatch ?? Infinity, server.maxBatch),
    maxSamplesPerRequest: Math.min(serving.maxSamplesPerRequest ?? Infinity, server.maxN),
  };
}
