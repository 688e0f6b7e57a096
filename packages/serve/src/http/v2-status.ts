import { GanforgeError } from '@ganforge/core';
import type { ModelEntry } from '../registry/model-registry.ts';
import type { ServeContext } from './context.ts';

/**
 * The Open Inference Protocol's health and metadata answers, shared by its REST routes (routes-v2.ts)
 * and its gRPC service (grpc/inference-service.ts) so the two cannot disagree. Model metadata itself is
 * views.ts's v2ModelMetadata.
 */

/** Server metadata (REST `GET /v2`, gRPC ServerMetadata). */
export function v2ServerMetadata(version: string): { name: string; version: string; extensions: string[] } {
  return { name: 'ganforge', version, extensions: [] };
}

/** Server readiness: every model has a serving version and the server is not shutting down. */
export function v2ServerReady(ctx: ServeContext): boolean {
  return ctx.registry.allReady() && !ctx.isClosing();
}

/**
 * The entry for a metadata/readiness request's model name (and, in the `/versions/<version>` forms, its
 * version), or the protocol's 404 (any status is fine).
 */
export function v2Model(ctx: ServeContext, name: string, version?: string): ModelEntry {
  const e = ctx.registry.get(name);
  if (!e)
    throw new GanforgeError('model_not_found', `no model named '${name.slice(0, 80)}'`, { status: 404 });
  if (version !== undefined) checkV2Version(e, version);
  return e;
}

/**
 * A model's one version, the generation it serves (what model metadata lists in `versions` and infer
 * answers in `model_version`); any other asked-for version is the protocol's 404.
 */
export function checkV2Version(e: Pick<ModelEntry, 'name' | 'generation'>, version: string): void {
  const served = String(e.generation);
  if (version !== served) {
    throw new GanforgeError(
      'model_version_not_found',
      `model '${e.name}' has no version '${version.slice(0, 80)}' (it serves version '${served}')`,
      { status: 404 },
    );
  }
}

/** Model readiness: the model serves a loaded version (and the server is not shutting down). */
export function v2ModelReady(ctx: ServeContext, e: ModelEntry): boolean {
  return e.status === 'ready' && !ctx.isClosing();
}
