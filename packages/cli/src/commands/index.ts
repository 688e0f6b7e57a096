import type { Command } from 'commander';
import { registerAblate } from './ablate.ts';
import { registerDiagnose } from './diagnose.ts';
import { registerEval } from './eval.ts';
import { registerExport } from './export.ts';
import { registerReport } from './report.ts';
import { registerSample } from './sample.ts';
import { registerServe } from './serve.ts';
import { registerTrain } from './train.ts';
import { registerTriton } from './triton.ts';

/** Each subcommand lives in its own file and adds itself to the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerTrain,
  registerExport,
  registerTriton,
  registerServe,
  registerSample,
  registerReport,
  registerDiagnose,
  registerEval,
  registerAblate,
];
