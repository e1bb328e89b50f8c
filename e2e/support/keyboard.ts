import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/** Whether the focused element shows it: an outline or the house focus ring (a box shadow). */
async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return outlined || style.boxShadow !== 'none';
  });
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until the focus is on `target`, as a person with the
 * keyboard alone would; fails if it never gets there, or if the focus on it is not visible.
 */
export async function tabTo(page: Page, target: Locator | string, { backwards = false, most = 150 } = {}) {
  const locator = typeof target === 'string' ? page.locator(target) : target;
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 });
  for (let i = 0; i < most; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await locator.first().evaluate((element) => element === document.activeElement)) {
      expect(await focusIsVisible(page), `the focus on ${String(locator)} is visible`).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached ${String(locator)}`);
}

/** Tabs to `target` and presses `key` on it (Enter by default): a link followed, a button pressed. */
export async function press(page: Page, target: Locator | string, key = 'Enter') {
  await tabTo(page, target);
  await page.keyboard.press(key);
}

/** The focus is on `target` now (after a dialog closed, a page changed…). */
export async function expectFocusOn(target: Locator) {
  await expect.poll(() => target.evaluate((element) => element === document.activeElement), { timeout: 15_000 }).toBe(true);
}
