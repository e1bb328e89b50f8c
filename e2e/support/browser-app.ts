import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testApp, type TestContext } from '../../server/test/harness.ts';
import { freePort } from '../../server/src/db/embedded.ts';
import type { Member } from '../../server/test/given.ts';
import { browserTestsMode, launchChromium, missingChromiumMessage } from './chromium.ts';
import { clientDist, repository } from './paths.ts';

export const mode = browserTestsMode();
if (mode === 'skip') console.warn(`\n[e2e] Skipping the browser tests. ${missingChromiumMessage}\n`);

/** Generous: under `npm test` the browser shares the machine with the whole server suite. */
export const WAIT = { timeout: 15_000 };

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export type Screen = { viewport?: { width: number; height: number }; locale?: 'fr' | 'en'; reducedMotion?: 'reduce' | 'no-preference' };

/**
 * The real app (buildApp on its own database, serving the built client) listening on loopback,
 * and one headless Chromium. Each test opens its own browser contexts: separate cookies, so
 * separate people.
 */
export async function startBrowserApp() {
  if (mode === 'fail') throw new Error(`${missingChromiumMessage} (CI sets CI=true and must install it before npm test).`);
  // The cookie-authenticated socket checks Origin, so the app must know the address it listens on.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const t: TestContext = await testApp({ publicUrl: origin, allowedOrigins: [origin], clientDir: clientDist });
  await t.app.listen({ port, host: '127.0.0.1' });
  const browser: Browser = await launchChromium();
  const contexts: BrowserContext[] = [];

  /** A browser context signed in as `member` (their session cookie), showing `locale`. */
  async function open(member: Member | null, screen: Screen = {}): Promise<Page> {
    const locale = screen.locale ?? 'fr';
    const context = await browser.newContext({ viewport: screen.viewport ?? LAPTOP, locale: locale === 'fr' ? 'fr-FR' : 'en-GB', reducedMotion: screen.reducedMotion });
    contexts.push(context);
    if (member) await context.addCookies([{ name: 'cagnotte_session', value: member.token, url: origin, httpOnly: true, sameSite: 'Lax' }]);
    // The person's own choice of language, as the switch in the header keeps it.
    await context.addInitScript((chosen) => localStorage.setItem('cagnotte.locale', chosen), locale);
    return context.newPage();
  }

  return {
    t,
    origin,
    browser,
    open,
    /** Closes this test's contexts (call in afterEach). */
    async closeContexts() {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

export type BrowserApp = Awaited<ReturnType<typeof startBrowserApp>>;

/**
 * A describe block of browser tests, skipped where Chromium is missing: the app starts before its
 * tests, each test's contexts close after it, and the app closes at the end. `app` is usable in
 * the tests and hooks (not while the block is being collected: it has not started yet).
 */
export function describeInBrowser(name: string, tests: (app: BrowserApp) => void) {
  describe.skipIf(mode === 'skip')(name, () => {
    let started: BrowserApp | undefined;
    beforeAll(async () => {
      started = await startBrowserApp();
    });
    afterEach(() => started?.closeContexts());
    afterAll(() => started?.close());
    const app = new Proxy({} as BrowserApp, {
      get(_, key) {
        if (!started) throw new Error(`app.${String(key)} is read before the browser app has started: read it in a test or a hook.`);
        return Reflect.get(started, key);
      },
    });
    tests(app);
  });
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(grave.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Nothing wider than the screen: no horizontal scroll (UI.md asks it at 390 px). */
export async function expectNoHorizontalScroll(page: Page) {
  const { overflow, widest } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // The elements that stick out, named so that a failure says where to look.
    const widest = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .slice(-3)
      .map((element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''}: ${(element.textContent ?? '').trim().slice(0, 40)}`);
    return { overflow: document.documentElement.scrollWidth - width, widest };
  });
  expect(overflow, `horizontal overflow in px, from ${widest.join(' | ')}`).toBeLessThanOrEqual(0);
}

const screenshots = path.join(repository, 'docs', 'screenshots');

/** A screenshot for the README and for a person to look at: docs/screenshots/<name>.png. */
export async function docsScreenshot(page: Page, name: string, fullPage = false) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), animations: 'disabled', fullPage });
}
