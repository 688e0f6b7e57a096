import { join, relative } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import type { DiagnosticsConfig } from '@ganforge/train';
import { collect } from '../options.ts';
import type { RegisterCommand } from './index.ts';

interface DiagnoseFlags {
  set: string[];
  json: boolean;
}

export const registerDiagnose: RegisterCommand = (program) => {
  program
    .command('diagnose')
    .description(
      "Run the failure detectors again over a finished run's metrics.jsonl and sample grids, with the " +
        "run's diagnostics config and today's detectors: what they find, the evidence and the remedies",
    )
    .argument('<run>', 'a run directory made by ganforge train')
    .option(
      '--set <key=value>',
      'override a detector setting, e.g. --set diagnostics.oscillation.minLag=1 (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print the events as JSON lines', false)
    .action(async (run: string, flags: DiagnoseFlags) => {
      const t = await import('@ganforge/train');
      const runs = await import('@ganforge/runs');
      const runDir = runs.assertRunDir(run);
      let diagnostics: DiagnosticsConfig | undefined;
      if (flags.set.length > 0) {
        for (const text of flags.set) {
          const o = t.parseOverride(text);
          if (o.path[0] !== 'diagnostics') {
            throw new GanforgeError(
              'usage',
              `--set ${o.path.join('.')}: diagnose changes only diagnostics.*`,
              {
                hint: 'e.g. --set diagnostics.modeCollapse.window=200',
              },
            );
          }
        }
        const recorded = runs.readRunConfig(runDir) ?? {};
        diagnostics = t.parseWithOverrides(
          recorded,
          join(runDir, runs.RUN_FILES.config),
          flags.set,
        ).diagnostics;
      }
      const { formatEvent } = runs;
      const r = await t.replayDiagnostics(runDir, { diagnostics });
      if (flags.json) {
        for (const e of r.events) process.stdout.write(`${JSON.stringify(e)}\n`);
        return;
      }
      for (const e of r.events) process.stdout.write(`${formatEvent(e)}\n\n`);
      const where = relative(process.cwd(), r.runDir) || r.runDir;
      const found = r.events.length === 0 ? 'no failure detected' : `${r.events.length} failure event(s)`;
      process.stdout.write(`${where}: ${found} in ${r.steps} steps\n`);
    });
};
