/**
 * Regenerates the README's pictures in docs/images/ with headless Chromium:
 *   sampler.png  the sampler page of a running `ganforge serve` (default http://127.0.0.1:8080)
 *   report.png   a run's `ganforge report` page (index.html), full height
 *   node --import tsx scripts/screenshots.ts [--server URL] [--report runs/<run>/report/index.html]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../test/support/chromium.ts';
import { ROOT } from './bench-support.ts';
import { parseScriptArgs } from './script-args.ts';

const { values } = parseScriptArgs(
  {
    name: 'screenshots',
    usage:
      'usage: node --import tsx scripts/screenshots.ts [--server URL] [--report runs/<run>/report/index.html]',
  },
  { options: { server: { type: 'string', default: 'http://127.0.0.1:8080' }, report: { type: 'string' } } },
);
const outDir = join(ROOT, 'docs', 'images');
mkdirSync(outDir, { recursive: true });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`${values.server}/`);
  // the page says how long its samples took once the grid is drawn
  await page.waitForFunction(() => /ms per sample/.test(document.body.innerText), undefined, {
    timeout: 30_000,
  });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(outDir, 'sampler.png'), fullPage: true });
  process.stdout.write(`wrote ${join(outDir, 'sampler.png')}\n`);
  if (values.report) {
    const report = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await report.goto(pathToFileURL(resolve(values.report)).href);
    await report.waitForTimeout(500);
    await report.screenshot({ path: join(outDir, 'report.png'), fullPage: true });
    process.stdout.write(`wrote ${join(outDir, 'report.png')}\n`);
  }
} finally {
  await browser.close();
}
