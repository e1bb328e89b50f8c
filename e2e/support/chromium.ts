import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: CI installs it (.ci/run), a developer may not have it. */
export const CHROMIUM = '/usr/bin/chromium';
export const INSTALL_CHROMIUM = 'apt-get update && apt-get install -y chromium';

/** `run`, `skip` (a developer's machine without Chromium) or `fail` (CI must have it). */
export function browserTestsMode(): 'run' | 'skip' | 'fail' {
  if (existsSync(CHROMIUM)) return 'run';
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false' ? 'fail' : 'skip';
}

export const missingChromiumMessage = `Chromium is not installed at ${CHROMIUM}; the browser tests need it. Install it with: ${INSTALL_CHROMIUM}`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
