import { mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '@ganforge/runs';
import { ABLATION_FILES } from '../layout.ts';
import type { AblationResult } from '../types.ts';
import { renderAblationHtml } from './html.ts';
import { renderAblationMarkdown } from './markdown.ts';

/** A file inside `dir` by its relative path, or undefined when missing or outside `dir`. */
export function readInside(dir: string, relPath: string): Buffer | undefined {
  const root = resolve(dir);
  const file = resolve(root, relPath);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes ablation.json (every number, config and version), ablation.md and ablation.html (self-contained)
 * into `outDir`, each atomically (temp + rename). Sample grids are read relative to `outDir`.
 * Returns the paths written.
 */
export function writeAblationReport(
  outDir: string,
  result: AblationResult,
): { json: string; markdown: string; html: string } {
  mkdirSync(outDir, { recursive: true });
  const paths = {
    json: join(outDir, ABLATION_FILES.json),
    markdown: join(outDir, ABLATION_FILES.markdown),
    html: join(outDir, ABLATION_FILES.html),
  };
  writeFileAtomic(paths.json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileAtomic(paths.markdown, renderAblationMarkdown(result));
  writeFileAtomic(
    paths.html,
    renderAblationHtml(result, (rel) => readInside(outDir, rel)),
  );
  return paths;
}
