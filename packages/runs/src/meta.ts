import { existsSync, readFileSync } from 'node:fs';
import { GanforgeError } from '@ganforge/core';
import type { BackendInfo } from '@ganforge/backend';
import type { ImageShape } from '@ganforge/data';
import { writeFileAtomic } from './atomic.ts';

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunResume {
  readonly at: string;
  readonly fromStep: number;
  readonly backend: string;
  /** The --set overrides given with --resume. */
  readonly set: string[];
  /** The command line of this segment, when the CLI started it. */
  readonly command?: string;
}

/** <run>/meta.json: what ran, on what, and how it ended. */
export interface RunMeta {
  readonly format: 'ganforge-run/1';
  readonly name: string;
  readonly seed: number;
  readonly backend: BackendInfo;
  /** Versions of ganforge, Node.js and the tfjs packages. */
  readonly versions: Record<string, string>;
  /** Every technique and whether it is on (@ganforge/train's techniquesOn); a resume that changes them updates it. */
  techniques: Record<string, boolean>;
  readonly dataset: {
    readonly name: string;
    readonly split: 'train' | 'test';
    readonly size: number;
    readonly shape: ImageShape;
    /** Class-conditional runs only: the class names by label (what the class input of G means). */
    readonly classes?: readonly string[];
  };
  /** Steps the run is set to reach (a resume with --set steps=... raises it). */
  totalSteps: number;
  readonly parameters: { readonly generator: number; readonly discriminator: number };
  readonly startedAt: string;
  /** The command line that started the run, when the CLI started it (resumes record theirs). */
  readonly command?: string;
  resumes: RunResume[];
  status: RunStatus;
  finishedStep?: number;
  error?: string;
}

export function readRunMeta(file: string): RunMeta {
  if (!existsSync(file)) {
    throw new GanforgeError('not_a_run', `${file} does not exist`, {
      hint: 'pass a run directory made by ganforge train',
    });
  }
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GanforgeError('bad_run', `${file} is not valid JSON`, { cause: e });
  }
  if (meta === null || typeof meta !== 'object' || (meta as { format?: unknown }).format !== 'ganforge-run/1') {
    throw new GanforgeError('bad_run', `${file} is not a ganforge run's meta.json (format ganforge-run/1)`);
  }
  return meta as RunMeta;
}

export function writeRunMeta(file: string, meta: RunMeta): void {
  writeFileAtomic(file, `${JSON.stringify(meta, null, 2)}\n`);
}

/** Every command line that trained the run, in order (the start, then each resume); [] when none was recorded. */
export function runCommands(meta: RunMeta): string[] {
  return [meta.command, ...meta.resumes.map((r) => r.command)].filter((c): c is string => c !== undefined);
}
