import { expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { ledger, memberships, rounds } from '../server/src/db/schema.ts';
import { WAIT, describeInBrowser, expectAccessible } from './support/browser-app.ts';
import { expectFocusOn, press, tabTo } from './support/keyboard.ts';

/**
 * The admin's main path with the keyboard alone: Tab to reach, Enter or Space to act, typing to
 * fill. Every stop checks that the focus is visible; every dialog must give the focus back.
 */
describeInBrowser('an admin runs a round with the keyboard alone', (app) => {
  const csv = (lines: string[]) => ({ name: 'membres.csv', mimeType: 'text/csv', buffer: Buffer.from(['email;name;role', ...lines].join('\n')) });

  it('imports members, creates a round, moves its phases, enters a paper ballot, makes a projector link, previews and closes', async () => {
    const { t } = app;
    const admin = await t.given.admin();
    const page = await app.open(admin);
    await page.goto(app.origin);
    await page.getByRole('heading', { level: 1 }).waitFor(WAIT);

    // Members: the file is chosen from the keyboard (the system's file picker), a bad line refused.
    await press(page, page.getByRole('link', { name: 'Membres' }));
    await page.getByRole('heading', { level: 1, name: 'Membres' }).waitFor(WAIT);
    const fileInput = page.getByLabel('Fichier CSV');
    await tabTo(page, fileInput);
    const [badChooser] = await Promise.all([page.waitForEvent('filechooser', WAIT), page.keyboard.press('Space')]);
    await badChooser.setFiles(csv(['ines@coop.test;Inès Martin;member', 'pas-une-adresse;Paul;member']));
    await press(page, page.getByRole('button', { name: 'Importer' }));
    await page.getByRole('alert').filter({ hasText: 'Ligne 3 :' }).waitFor(WAIT);
    await tabTo(page, fileInput, { backwards: true });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', WAIT), page.keyboard.press('Space')]);
    await chooser.setFiles(csv(['ines@coop.test;Inès Martin;member', 'paul@coop.test;Paul Papier;member']));
    await press(page, page.getByRole('button', { name: 'Importer' }));
    await page.getByText('2 membres importés.').first().waitFor(WAIT);
    expect((await t.db.select().from(memberships).where(eq(memberships.organisationId, admin.organisationId))).length).toBe(3);

    // A round, typed in.
    await press(page, page.getByRole('link', { name: 'Nouveau budget' }));
    await tabTo(page, page.getByLabel('Titre'));
    await page.keyboard.type('Budget au clavier');
    await tabTo(page, page.getByLabel('Enveloppe par membre (EUR)'));
    await page.keyboard.type('100');
    await press(page, page.getByRole('button', { name: 'Créer le budget' }));
    await page.getByText('« Budget au clavier » est créé, en brouillon.').first().waitFor(WAIT);
    const [round] = await t.db.select().from(rounds).where(eq(rounds.organisationId, admin.organisationId));
    expect(round).toMatchObject({ title: 'Budget au clavier', defaultAllowanceCents: 10_000, phase: 'draft' });
    if (!round) throw new Error('no round');
    await t.given.bucket(round.id, admin, { status: 'open', title: 'Jardin partagé', lines: [{ label: 'Bacs', amountCents: 15_000, essential: true }] });

    // Phases: each move asks first, and the focus comes back to the button that asked.
    const steps = [['Ouvrir aux propositions', 'Propositions', 'Ouvrir le financement'], ['Ouvrir le financement', 'Financement ouvert', 'Préparer la clôture']] as const;
    for (const [button, phase, then] of steps) {
      const mover = page.getByRole('button', { name: button });
      await press(page, mover);
      const dialog = page.getByRole('dialog');
      await dialog.waitFor(WAIT);
      await expect.poll(() => dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
      await press(page, dialog.getByRole('button', { name: 'Oui, continuer' }));
      await page.getByText(`Le budget est maintenant en « ${phase} ».`).first().waitFor(WAIT);
      await dialog.waitFor({ state: 'detached', ...WAIT });
      await expectFocusOn(page.getByRole('button', { name: then }));
    }

    // A paper ballot for Paul.
    await press(page, page.getByRole('link', { name: 'Bulletins papier' }));
    await tabTo(page, page.getByLabel('Trouver le membre (nom ou e-mail)'));
    await page.keyboard.type('paul');
    await press(page, page.getByRole('button', { name: /Paul Papier/ }));
    await tabTo(page, page.getByLabel('Montant pour Jardin partagé'));
    await page.keyboard.type('60');
    await press(page, page.getByRole('button', { name: 'Saisir le bulletin' }));
    await page.getByText('60,00 € saisis (40,00 € restants).').waitFor(WAIT);
    const [paper] = await t.db.select().from(ledger).where(and(eq(ledger.roundId, round.id), eq(ledger.kind, 'allocate')));
    expect(paper).toMatchObject({ deltaCents: 6_000, enteredBy: admin.membershipId });

    // A projector link, and its copy button.
    await press(page, page.getByRole('link', { name: 'Projecteur' }));
    await press(page, page.getByRole('button', { name: 'Créer un lien' }));
    await page.getByText('Copiez ce lien maintenant').waitFor(WAIT);
    await tabTo(page, page.getByRole('button', { name: /Copier/ }));

    // The close: the preview, then the confirmation.
    await press(page, page.getByRole('link', { name: 'Clôture' }));
    await page.getByRole('row').filter({ hasText: 'Jardin partagé' }).waitFor(WAIT);
    await press(page, page.getByRole('button', { name: 'Clôturer le budget maintenant' }));
    const closing = page.getByRole('dialog');
    await press(page, closing.getByRole('button', { name: 'Clôturer le budget' }));
    await page.getByText('Le budget est clos.').first().waitFor(WAIT);
    // The button that asked is gone with the open round: the focus goes to the page, not the body.
    await expectFocusOn(page.getByRole('heading', { level: 1 }));
    await expectAccessible(page);
    await expect.poll(async () => (await t.db.select().from(rounds).where(eq(rounds.id, round.id)))[0]?.phase).toBe('closed');
  });

  it('gives the focus back to the button that opened a dialog when it is cancelled', async () => {
    const { t } = app;
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft' });
    const page = await app.open(admin);
    await page.goto(`${app.origin}/rounds/${round.id}/manage`);
    const mover = page.getByRole('button', { name: 'Ouvrir aux propositions' });
    await press(page, mover);
    await page.getByRole('dialog').waitFor(WAIT);
    await page.keyboard.press('Escape');
    await expectFocusOn(mover);
    await press(page, mover);
    await press(page, page.getByRole('dialog').getByRole('button', { name: 'Annuler' }));
    await expectFocusOn(mover);
  });
});
