import type { z } from 'zod';

/**
 * A stabilization technique as one unit: its `techniques.<name>` config section (a zod schema whose
 * field defaults are written there and nowhere else) and, when it carries something from step to
 * step, that state: how it starts, how a step moves it, and what a checkpoint of it must look like.
 * The checkpoint stores every technique's state under its name without knowing its fields
 * (technique-states.ts); the step (loop/train-step.ts) calls each technique's own functions.
 */
export interface Technique<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** Its key under `techniques` in the config, and of its state in a checkpoint. */
  readonly name: Name;
  readonly schema: Schema;
}

/** What a step tells the techniques' state once its updates are done. */
export interface StepObservation {
  /**
   * G's adversarial loss (without the moment-matching term) in the step's last G update; undefined
   * when G was not scheduled this step.
   */
  readonly gAdversarialLoss: number | undefined;
}

/** The state a technique carries across steps (saved in every checkpoint, so a resumed run is identical). */
export interface TechniqueState<Config, State> {
  /** What a checkpoint holds of it, checked when a run resumes. */
  readonly schema: z.ZodType<State>;
  /** The state at step 0. */
  init(config: Config): State;
  /** The state after a step. */
  update(state: State, observation: StepObservation, config: Config): State;
}

export interface StatefulTechnique<
  Name extends string = string,
  Schema extends z.ZodType = z.ZodType,
  State = unknown,
> extends Technique<Name, Schema> {
  readonly state: TechniqueState<z.output<Schema>, State>;
}

/** Declares a technique unit (the types of its config and state follow from its schema). */
export function defineTechnique<const Name extends string, Schema extends z.ZodType, State>(
  unit: StatefulTechnique<Name, Schema, State>,
): StatefulTechnique<Name, Schema, State>;
export function defineTechnique<const Name extends string, Schema extends z.ZodType>(
  unit: Technique<Name, Schema>,
): Technique<Name, Schema>;
export function defineTechnique(unit: Technique): Technique {
  return unit;
}

/** A technique's config with every default filled in, as its schema writes them. */
export function defaultsOf<Schema extends z.ZodType>(schema: Schema): z.output<Schema> {
  return schema.parse(undefined);
}
