import { expect, it } from 'vitest';
import { issueSetupLink } from '../server/src/features/setup/service.ts';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';

describeInBrowser('the first run: an instance with no organisation, created in the browser', (app) => {
  /** The link the app prints at start (and `npm run cli -- setup-link`), through the same service. */
  const setupLink = async () => {
    const link = await issueSetupLink(app.t.db, { publicUrl: app.origin, now: () => new Date() });
    expect(link).not.toBeNull();
    return link!;
  };

  it('shows the form in both languages, and says what to do without a valid link', async () => {
    const link = await setupLink();
    const page = await app.open(null, { locale: 'en' });
    await page.goto(link);
    await page.getByRole('heading', { name: 'Create your organisation' }).waitFor(WAIT);
    await page.getByLabel('Time zone').waitFor(WAIT);
    expect(page.url(), 'the secret leaves the address bar at once').toBe(`${app.origin}/setup`);
    await expectAccessible(page);
    await docsScreenshot(page, 'first-run-en-laptop', true);

    for (const [locale, heading] of [['fr', 'Créer votre organisation'], ['en', 'Create your organisation']] as const) {
      const small = await app.open(null, { locale, viewport: PHONE });
      await small.goto(await setupLink());
      await small.getByRole('heading', { name: heading }).waitFor(WAIT);
      await expectNoHorizontalScroll(small);
      await docsScreenshot(small, `first-run-${locale}-phone`, true);
    }

    const phone = await app.open(null, { locale: 'fr', viewport: PHONE });
    await phone.goto(`${app.origin}/setup#token=${'x'.repeat(43)}`);
    await phone.getByRole('heading', { name: 'Ce lien d’installation n’est pas valable' }).waitFor(WAIT);
    await phone.getByText('npm run cli -- setup-link').waitFor(WAIT);
    await expectAccessible(phone);
    await expectNoHorizontalScroll(phone);

    // A link issued more than a day ago.
    const stale = await issueSetupLink(app.t.db, { publicUrl: app.origin, now: () => new Date(Date.now() - 25 * 3_600_000) });
    await phone.goto(stale!);
    await phone.getByRole('heading', { name: 'Ce lien a expiré' }).waitFor(WAIT);
    await phone.getByText('npm run cli -- setup-link').waitFor(WAIT);
    expect(phone.url()).toBe(`${app.origin}/setup`);
  });

  it('creates the organisation and signs its first admin in; the link then no longer works', async () => {
    const link = await setupLink();
    const page = await app.open(null, { locale: 'fr' });
    await page.goto(link);
    await page.getByRole('heading', { name: 'Créer votre organisation' }).waitFor(WAIT);
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await page.getByLabel('Fuseau horaire').inputValue(), 'the browser’s time zone by default').toBe(zone);

    // The shared schema refuses a bad e-mail before anything is sent.
    await page.getByLabel('Nom de l’organisation').fill('Artefacts');
    await page.getByLabel('Nom', { exact: true }).fill('Claire Dupont');
    await page.getByLabel('Adresse e-mail').fill('claire@');
    await page.getByRole('button', { name: 'Créer l’organisation' }).click();
    await page.getByText('Indiquez une adresse e-mail valide').waitFor(WAIT);
    await expectAccessible(page);
    await page.getByLabel('Adresse e-mail').fill('claire@artefacts.coop');
    await page.getByLabel('Fuseau horaire').selectOption('Europe/Paris');
    await docsScreenshot(page, 'first-run-fr-laptop', true);
    await page.getByRole('button', { name: 'Créer l’organisation' }).click();

    // Signed in, on the home, with what to do next.
    await page.getByRole('heading', { name: 'Bienvenue dans Artefacts !' }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Inviter les membres' }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Créer un budget' }).waitFor(WAIT);
    await page.getByText('Claire Dupont').first().waitFor(WAIT);
    await expectAccessible(page);
    await docsScreenshot(page, 'first-run-welcome-fr-laptop');
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
    expect(me.memberships).toEqual([expect.objectContaining({ role: 'admin', organisation: expect.objectContaining({ name: 'Artefacts', timeZone: 'Europe/Paris' }) })]);

    await page.getByRole('link', { name: 'Inviter les membres' }).click();
    await page.waitForURL(/\/orgs\/.+\/members$/, WAIT);

    // The same link again: the door is shut, and the page says so and what to do.
    const later = await app.open(null, { locale: 'fr' });
    await later.goto(link);
    await later.getByRole('heading', { name: 'Cagnotte est déjà installée' }).waitFor(WAIT);
    await later.getByRole('link', { name: 'Se connecter' }).waitFor(WAIT);
    await expectAccessible(later);
    expect(await issueSetupLink(app.t.db, { publicUrl: app.origin, now: () => new Date() }), 'no new link once set up').toBeNull();
  });
});
