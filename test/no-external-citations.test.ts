/**
 * The repository stands on its own: no file cites material that lives outside it (the design notes and the
 * article copies the project started from). Comments, tests, presets and docs cite docs/techniques.md or a
 * public source by title instead; every docs/techniques.md#anchor they cite must exist.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url))
  .split('\\')
  .join('/');
const TECHNIQUES = 'docs/techniques.md';

/** Paths outside the repository, also as a regex source would spell them (with escaped slashes). */
const FORBIDDEN: readonly RegExp[] = [
  /reference\\?\/00/i,
  /PIPELINE\\?\.md/i,
  /\.\.\\?\/shared\b/i,
  /shared\\?\/(design|reference)\b/i,
];

/** Tracked files plus new ones not ignored yet, as git lists them (paths relative to the root). */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split('\0').filter((f) => f !== ''))].sort();
}

/** The file's text, or undefined for a binary file or one deleted from the working tree. */
function textOf(file: string): string | undefined {
  const path = join(ROOT, file);
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.includes(0)) return undefined;
  return bytes.toString('utf8');
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces -> '-'. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m?.[1] !== undefined) anchors.add(headingAnchor(m[1]));
  }
  return anchors;
}

const files = repositoryFiles();

describe('no citation of files outside the repository', () => {
  test('git lists the repository, this test and docs/techniques.md among it', () => {
    expect(files).toContain(SELF);
    expect(files).toContain(TECHNIQUES);
    expect(files.length).toBeGreaterThan(100);
  });

  test('no file mentions reference/00*, PIPELINE.md, ../shared, shared/design or shared/reference', () => {
    const violations: string[] = [];
    for (const file of files) {
      if (file === SELF) continue;
      const text = textOf(file);
      if (text === undefined) continue;
      text.split('\n').forEach((line, i) => {
        if (FORBIDDEN.some((re) => re.test(line)))
          violations.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
      });
    }
    expect(violations).toEqual([]);
  });

  test('the patterns catch what they are for', () => {
    const caught = (s: string): boolean => FORBIDDEN.some((re) => re.test(s));
    for (const s of [
      '// margin balance (reference/002, panel B)',
      'expect(x).toMatch(/\\(reference\\/001; reference\\/003\\)$/)',
      '# guidelines in shared/design/PIPELINE.md',
      'see ../shared/notes',
      'Source: shared/reference/004_x.txt',
    ]) {
      expect(caught(s), s).toBe(true);
    }
    expect(caught('docs/techniques.md#margin-balance ("Balancing the GAN game")')).toBe(false);
  });
});

describe('citations of docs/techniques.md', () => {
  const doc = textOf(TECHNIQUES) ?? '';
  const anchors = anchorsOf(doc);

  test('headings give the anchors GitHub gives them', () => {
    expect(headingAnchor('One-sided label smoothing')).toBe('one-sided-label-smoothing');
    expect(headingAnchor('Batch mode and frozen inference')).toBe('batch-mode-and-frozen-inference');
    expect(anchors.has('margin-balance')).toBe(true);
    expect(anchors.has('no-such-technique')).toBe(false);
  });

  test('every docs/techniques.md#anchor cited in the repository, and every #anchor link in it, exists', () => {
    const broken: string[] = [];
    let cited = 0;
    for (const file of files) {
      if (file === SELF) continue;
      const text = textOf(file);
      if (text === undefined) continue;
      text.split('\n').forEach((line, i) => {
        const links = [...line.matchAll(/docs\/techniques\.md#([\p{L}\p{N}_-]+)/gu)].map((m) => m[1]);
        if (file === TECHNIQUES) links.push(...[...line.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]));
        for (const anchor of links) {
          cited += 1;
          if (anchor === undefined || !anchors.has(anchor)) broken.push(`${file}:${i + 1}: #${anchor}`);
        }
      });
    }
    expect(broken).toEqual([]);
    expect(cited).toBeGreaterThan(20);
  });
});
