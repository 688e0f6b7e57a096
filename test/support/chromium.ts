/**
 * Headless Chromium for the browser tests (Debian's `chromium` package; scripts/setup.sh installs it).
 * Each launch uses a fresh temporary profile and no network services of its own.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.GANFORGE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether the Chromium binary is there and executable. */
export function chromiumInstalled(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why browser tests cannot run here, or undefined when they can. Throws instead when
 * GANFORGE_REQUIRE_SYSTEM_DEPS is set, so CI fails rather than silently skipping.
 * Use: `const skip = chromiumSkipReason(); describe.skipIf(skip)(...)`.
 */
export function chromiumSkipReason(): string | undefined {
  if (chromiumInstalled()) return undefined;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (install it with: apt-get install chromium)`;
  if (process.env.GANFORGE_REQUIRE_SYSTEM_DEPS) {
    throw new Error(`${reason}; GANFORGE_REQUIRE_SYSTEM_DEPS is set, so browser tests may not be skipped`);
  }
  console.warn(`skipping browser tests: ${reason}`);
  return reason;
}

/** Launches headless Chromium with a fresh profile. Close it with `browser.close()`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}
