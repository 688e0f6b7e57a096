import { GanforgeError } from '@ganforge/core';
import { TECHNIQUES, type TechniquesConfig, type TechniqueUnit } from './registry.ts';
import type { StatefulTechnique, StepObservation } from './technique.ts';

type Stateful = Extract<TechniqueUnit, { readonly state: unknown }>;

/**
 * The state of every technique that carries one, under its name (e.g. `{ adaptiveL2: { l2: 0.001 } }`):
 * what trainStep takes and returns, and what a checkpoint's state.json stores (as `controller`)
 * without knowing its fields.
 */
export type TechniqueStates = { readonly [U in Stateful as U['name']]: ReturnType<U['state']['init']> };

/** The techniques with a state, seen through one type (each unit's config and state are its own). */
const STATEFUL = TECHNIQUES.filter((t) => 'state' in t) as readonly StatefulTechnique[];

function configOf(config: TechniquesConfig, name: string): unknown {
  return (config as Readonly<Record<string, unknown>>)[name];
}

/** Every technique's state at step 0. */
export function initTechniqueStates(config: TechniquesConfig): TechniqueStates {
  return Object.fromEntries(
    STATEFUL.map((t) => [t.name, t.state.init(configOf(config, t.name))]),
  ) as TechniqueStates;
}

/** Every technique's state after a step that observed `observation`. */
export function updateTechniqueStates(
  states: TechniqueStates,
  observation: StepObservation,
  config: TechniquesConfig,
): TechniqueStates {
  const before = states as Readonly<Record<string, unknown>>;
  return Object.fromEntries(
    STATEFUL.map((t) => [t.name, t.state.update(before[t.name], observation, configOf(config, t.name))]),
  ) as TechniqueStates;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The states a checkpoint saved, each checked by its technique's state schema. A technique the
 * checkpoint has no state for starts from its init. Checkpoints written before the states were
 * keyed by technique name saved adaptive L2's coefficient alone, as `{ l2 }`: read as adaptiveL2's.
 */
export function restoreTechniqueStates(
  saved: unknown,
  config: TechniquesConfig,
  file: string,
): TechniqueStates {
  const hint = 'the checkpoint is damaged; resume from another one (pass its checkpoints/step-XXXXXX folder)';
  const legacy = isRecord(saved) && typeof saved['l2'] === 'number' && !('adaptiveL2' in saved);
  const byName = legacy ? { adaptiveL2: { l2: saved['l2'] } } : saved;
  if (byName !== undefined && byName !== null && !isRecord(byName)) {
    throw new GanforgeError('bad_checkpoint', `${file}: field 'controller' is not an object`, { hint });
  }
  return Object.fromEntries(
    STATEFUL.map((t) => {
      const value = byName?.[t.name];
      if (value === undefined) return [t.name, t.state.init(configOf(config, t.name))];
      const parsed = t.state.schema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = ['controller', t.name, ...(issue?.path.map(String) ?? [])].join('.');
        const message = `${file}: field '${at}' ${issue?.message ?? 'is invalid'}`;
        throw new GanforgeError('bad_checkpoint', message, { hint });
      }
      return [t.name, parsed.data];
    }),
  ) as TechniqueStates;
}
