/**
 * What went wrong on a page while a browser test used it, for the test to expect none of: uncaught script
 * errors, console errors (CSP violations among them) and failed loads, each as one line.
 */
import type { Page } from 'playwright-core';

/** Starts recording `page`'s problems; the returned list grows as they happen. */
export function recordPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // CSP violations and script errors show up as console errors; failed loads are checked by URL instead.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico'))
      problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return problems;
}
