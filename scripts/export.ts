// The offline export script: `node --import tsx scripts/export.ts <run-or-checkpoint> --out models/<name> [options]`.
// Same options, behaviour and exit codes as `ganforge export` (it is that command: packages/cli/src/commands/export.ts
// over packages/export's runExport). Run with --help for the options.
import { main } from '@ganforge/cli';

process.exitCode = await main([
  process.argv[0] ?? 'node',
  'scripts/export.ts',
  'export',
  ...process.argv.slice(2),
]);
