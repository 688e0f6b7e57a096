/**
 * The `ganforge` command as a user runs it: a real process, its exit code, stdout and stderr.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '@ganforge/cli';
import { ganforgeProcess, ROOT } from './support/ganforge-process.ts';

const VERSION = (JSON.parse(readFileSync(`${ROOT}packages/cli/package.json`, 'utf8')) as { version: string })
  .version;

const ganforge = (...args: string[]) => ganforgeProcess(args);

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('ganforge (process)', () => {
  it('--help prints the usage and every subcommand, exit 0', () => {
    const r = ganforge('--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: ganforge \[options\]/);
    expect(r.stdout).toContain('-V, --version');
    expect(r.stdout).toContain('-h, --help');
    for (const sub of buildProgram().commands) expect(r.stdout).toContain(sub.name());
  });

  it('--version prints the package version, exit 0', () => {
    const r = ganforge('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
    expect(r.stderr).toBe('');
  });

  it('an unknown option exits 2 with exactly one line on stderr naming it', () => {
    const r = ganforge('--no-such-option');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain("'--no-such-option'");
  });

  it('an unknown subcommand exits 2 with one line naming it', () => {
    const r = ganforge('frobnicate');
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('frobnicate');
  });
});

type Command = ReturnType<typeof buildProgram>['commands'][number];

/** The help text a subcommand prints for `ganforge <name> --help`. */
function helpOf(sub: Command): string {
  let out = '';
  sub.configureOutput({ writeOut: (s: string) => (out += s), writeErr: (s: string) => (out += s) });
  sub.outputHelp();
  return out;
}

describe('ganforge subcommands (in process)', () => {
  const subs = buildProgram().commands;

  it.skipIf(subs.length === 0)(
    'each --help lists every option, and each option that takes a value shows its default',
    () => {
      for (const sub of subs) {
        const help = helpOf(sub);
        expect(help, sub.name()).toMatch(new RegExp(`^Usage: ganforge ${sub.name()}`));
        for (const opt of sub.options) {
          expect(help, `${sub.name()} ${opt.flags}`).toContain(opt.flags);
          // A value option shows its default: commander's "(default: X)", or, for options that are
          // unset unless given, a "(default: ...)" saying what happens without them.
          if ((opt.required || opt.optional) && !opt.hidden) {
            const shown = opt.defaultValue !== undefined || /\(default: [^)]+\)/.test(opt.description);
            expect(shown, `${sub.name()} ${opt.flags} has no default shown in --help`).toBe(true);
          }
        }
      }
    },
  );

  it.skipIf(subs.length === 0)('an unknown option on a subcommand exits 2 with one line naming it', () => {
    const name = subs[0]!.name();
    const r = ganforge(name, '--no-such-option');
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain("'--no-such-option'");
  });
});
