/** What the benchmark drivers share: finding a shipped model and writing their BENCHMARKS.md section. */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCHMARKS_FILE = join(ROOT, 'BENCHMARKS.md');

/** The first <name>/ in modelsDir with model.onnx + card.json (sorted by name; evaluators/ is not a generator). */
export function firstModel(modelsDir: string): string | undefined {
  if (!existsSync(modelsDir)) return undefined;
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'evaluators')
    .map((d) => d.name)
    .sort()
    .find((n) => existsSync(join(modelsDir, n, 'model.onnx')) && existsSync(join(modelsDir, n, 'card.json')));
}

/** Replaces (or appends) the `## <heading>` section of a Markdown file, atomically. */
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
    next = `${old.slice(0, start)}${section.trimEnd()}\n${tail ? `\n${tail}` : ''}`;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, next);
  await rename(tmp, file);
}

/** True when this module is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1];
}
