/** What the benchmark drivers share: finding a shipped model and writing their BENCHMARKS.md section. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCHMARKS_FILE = join(ROOT, 'BENCHMARKS.md');

/** Whether the card at `file` describes a class-conditional generator (a `conditioning` section). */
function isConditional(file: string): boolean {
  return (JSON.parse(readFileSync(file, 'utf8')) as { conditioning?: unknown }).conditioning !== undefined;
}

/**
 * The first <name>/ in modelsDir with model.onnx + card.json of an unconditional generator (sorted by name;
 * evaluators/ is not a generator). The benchmarks' peers, the naive server and raw session.run, feed a
 * generator its latents only, so a class-conditional model (a second, class input) is not one to measure.
 */
export function firstModel(modelsDir: string): string | undefined {
  if (!existsSync(modelsDir)) return undefined;
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'evaluators')
    .map((d) => d.name)
    .sort()
    .find(
      (n) =>
        existsSync(join(modelsDir, n, 'model.onnx')) &&
        existsSync(join(modelsDir, n, 'card.json')) &&
        !isConditional(join(modelsDir, n, 'card.json')),
    );
}

/**
 * Replaces (or appends) the `## <heading>` section of a Markdown file, atomically. The old section's
 * `### ` subsections that the new one does not have (written by hand: findings, before/after
 * comparisons) are kept, after the new section; one the new section has is replaced.
 */
export async function writeMarkdownSection(file: string, heading: string, section: string): Promise<void> {
  const old = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
  const start = old.search(new RegExp(`^## ${heading}\\s*$`, 'm'));
  let next: string;
  if (start < 0) {
    next = `${old.trimEnd()}\n\n${section.trimEnd()}\n`;
  } else {
    const rest = old.slice(start + 3);
    const end = rest.search(/^## /m);
    const tail = end < 0 ? '' : rest.slice(end);
    const oldSection = end < 0 ? old.slice(start) : old.slice(start, start + 3 + end);
    const written = new Set(subsections(section).map((s) => s.heading));
    const kept = subsections(oldSection).filter((s) => !written.has(s.heading));
    const body = [section.trimEnd(), ...kept.map((s) => s.text.trimEnd())].join('\n\n');
    next = `${old.slice(0, start)}${body}\n${tail ? `\n${tail}` : ''}`;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, next);
  await rename(tmp, file);
}

/** The `### ` subsections of a section: each heading line and its text up to the next one. */
function subsections(section: string): { heading: string; text: string }[] {
  const parts = section.split(/^(?=### )/m).slice(1);
  return parts.map((text) => ({ heading: text.split('\n', 1)[0]!.trim(), text }));
}

/** Where a benchmark finds its model, and whether a fixture stands in for a missing one. */
export interface BenchModel {
  readonly modelsDir: string;
  readonly model: string;
  readonly fixture: boolean;
}

export interface BenchModelOptions {
  /** Default: models/ at the repository root. */
  readonly modelsDir?: string;
  /** Default: the first model in modelsDir (firstModel). */
  readonly model?: string;
  /** Default: BENCHMARKS.md at the repository root. */
  readonly benchmarksFile?: string;
}

/** A stand-in model for when there is none: written as `name` into a fresh temp folder named `<tempPrefix>…`. */
export interface BenchFixture {
  readonly name: string;
  readonly tempPrefix: string;
  write(modelsDir: string, name: string): Promise<unknown>;
}

/**
 * Measures a model with `measure` (which returns the Markdown section) and writes the section under `## <heading>`
 * of the benchmarks file; returns the section. Without a model, `fixture` writes one, removed afterwards.
 */
export async function writeBenchSection(
  heading: string,
  options: BenchModelOptions,
  fixture: BenchFixture,
  measure: (target: BenchModel) => Promise<string>,
): Promise<string> {
  const modelsDir = options.modelsDir ?? join(ROOT, 'models');
  const model = options.model ?? firstModel(modelsDir);
  let fixtureDir: string | undefined;
  try {
    let target: BenchModel = { modelsDir, model: model ?? fixture.name, fixture: model === undefined };
    if (target.fixture) {
      fixtureDir = mkdtempSync(join(tmpdir(), fixture.tempPrefix));
      target = { ...target, modelsDir: fixtureDir };
      await fixture.write(target.modelsDir, target.model);
    }
    const section = await measure(target);
    await writeMarkdownSection(options.benchmarksFile ?? BENCHMARKS_FILE, heading, section);
    return section;
  } finally {
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
  }
}

/** True when this module is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1];
}
