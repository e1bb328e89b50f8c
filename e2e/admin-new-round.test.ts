import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { rounds } from '../server/src/db/schema.ts';
import { LAPTOP, PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';
import { anAdminOnTheNewRoundForm } from './support/new-round-form.ts';

/**
 * An admin creates a permanent fund through the new-round form — in French and English, on a
 * laptop and a phone — and the round the server holds is the one the form described.
 */
describeInBrowser('creating a round in the browser', (app) => {
  const words = {
    fr: { title: 'Titre', permanent: 'Fonds permanent', allowance: 'Enveloppe par membre (EUR)', amount: '100', submit: 'Créer le budget', created: 'est créé, en brouillon' },
    en: { title: 'Title', permanent: 'Permanent fund', allowance: 'Allowance per member (EUR)', amount: '100', submit: 'Create the round', created: 'is created, in draft' },
  };

  for (const locale of ['fr', 'en'] as const) {
    for (const [screen, viewport] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
      it(`creates a permanent fund with its yearly allowance (${locale}, ${screen})`, async () => {
        const w = words[locale];
        const { org, page } = await anAdminOnTheNewRoundForm(app, 'Coopérative des Tilleuls', { viewport, locale });

        await page.getByLabel(w.title, { exact: true }).fill('Fonds des Tilleuls');
        await page.getByLabel(w.permanent).check();
        await page.getByLabel(w.allowance).fill(w.amount);
        await expectNoHorizontalScroll(page);
        await expectAccessible(page);
        await docsScreenshot(page, `admin-new-round-${locale}-${screen}`, true);

        await page.getByRole('button', { name: w.submit }).click();
        await page.getByText(w.created).first().waitFor(WAIT);
        const created = await app.t.db.select().from(rounds).where(eq(rounds.organisationId, org.id));
        expect(created.map((r) => ({ title: r.title, kind: r.kind, phase: r.phase, allowance: r.defaultAllowanceCents }))).toEqual([
          { title: 'Fonds des Tilleuls', kind: 'permanent', phase: 'draft', allowance: 10_000 },
        ]);
        await page.waitForURL((url) => url.pathname.startsWith(`/rounds/${created[0]?.id}`), WAIT);
      });
    }
  }
});
