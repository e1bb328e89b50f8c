import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { expect, it } from 'vitest';
import { formatMoney } from '@cagnotte/shared';
import type { Page } from 'playwright-core';
import { PHONE, WAIT, describeInBrowser, docsScreenshot, expectAccessible, expectNoHorizontalScroll } from './support/browser-app.ts';
import { closeRound } from './support/board-meeting.ts';

const euros = (cents: number, locale: 'fr' | 'en' = 'fr') => formatMoney(cents, 'EUR', locale);

/** A French CSV of ours: BOM, `;`, CRLF, fields quoted with `"` when they need it. */
function parseCsv(text: string): string[][] {
  expect(text.charCodeAt(0), 'starts with a BOM').toBe(0xfeff);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += c;
    } else if (c === ';') {
      endField();
    } else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** `1234,50` (decimal comma, no thousands separator) → 123450 cents, without a float. */
function cents(text: string): number {
  const match = /^(-?)(\d+),(\d{2})$/.exec(text);
  if (!match) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction] = match;
  return (sign ? -1 : 1) * (Number(whole) * 100 + Number(fraction));
}

/** The table's rows (up to the blank line) as objects by header, and the reconciliation after it. */
function splitCsv(text: string) {
  const rows = parseCsv(text);
  const blank = rows.findIndex((r) => r.length === 1 && r[0] === '');
  const [header, ...body] = rows.slice(0, blank);
  const records = body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
  const summary = new Map(rows.slice(blank + 1).map((r) => [r[0], r.slice(1)] as const));
  return { records, summary };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describeInBrowser('the accountant: the round’s reconciliation and its files', (app) => {
  /** A closed round: the garden funded, the bikes short of their minimum and their money sent back, one member who spent nothing. */
  async function aClosedRound() {
    const { t } = app;
    const admin = await t.given.admin();
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant', name: 'Paul Compta' });
    const round = await t.given.round(admin.organisationId, { title: 'Budget 2026', phase: 'proposals', defaultAllowanceCents: 43_000 });
    const lea = await t.given.member({ organisationId: admin.organisationId, name: 'Léa Martin' });
    const other = await t.given.member({ organisationId: admin.organisationId, name: 'Marie "Mimi" Martin' });
    await t.given.member({ organisationId: admin.organisationId, name: 'Idle Member' });
    const garden = await t.given.bucket(round.id, admin, { status: 'open', title: 'Jardin partagé; bacs', lines: [{ label: 'Bacs', amountCents: 60_000, essential: true }] });
    const bikes = await t.given.bucket(round.id, admin, { status: 'open', title: 'Vélos cargo', lines: [{ label: 'Vélos', amountCents: 90_000, essential: true }] });
    const auth = t.given.authFor(admin);
    await request(t.app.server).post(`/api/rounds/${round.id}/phase`).set(auth).send({ phase: 'funding' }).expect(200);
    await t.allocate(lea, garden.id, 30_000).expect(200);
    await t.allocate(lea, bikes.id, 10_050).expect(200);
    await t.allocate(other, garden.id, 30_000).expect(200);
    await closeRound(t, admin, round.id);
    return { round, accountant };
  }

  /** A figure of the "counted twice" table, as shown: [stored totals, ledger]. */
  async function shown(page: Page, label: string): Promise<[string, string]> {
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });
    const cells = row.getByRole('cell');
    return [(await cells.nth(0).innerText()).trim(), (await cells.nth(1).innerText()).trim()];
  }

  async function download(page: Page, file: string): Promise<Buffer> {
    const [event] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('link', { name: `Télécharger ${file}` }).click()]);
    // The server names it after the round: budget-2026-members.csv.
    expect(event.suggestedFilename()).toMatch(new RegExp(`-${file.replace(".", "\\.")}$`));
    return readFile(await event.path());
  }

  it('downloads every file, and the totals on screen are those in the files, to the cent', async () => {
    const { round, accountant } = await aClosedRound();
    const page = await app.open(accountant, { locale: 'fr' });
    // Reached from the round's tabs, shown to accountants.
    await page.goto(`${app.origin}/rounds/${round.id}/history`);
    await page.getByRole('link', { name: 'Comptes' }).click();
    await page.getByRole('heading', { name: 'Comptes', level: 1 }).waitFor(WAIT);
    await page.getByText('Rapproché au centime').waitFor(WAIT);

    const allowances = await shown(page, 'Enveloppes');
    const funded = await shown(page, 'Dans les projets financés ou réalisés');
    const pending = await shown(page, 'Dans les projets ouverts ou en attente du CA');
    const unspent = await shown(page, 'Non dépensé');
    expect(funded).toEqual([euros(60_000), euros(60_000)]);
    expect(pending).toEqual([euros(0), euros(0)]);
    const returnedShown = (await page.getByRole('term').filter({ hasText: 'Rendu aux membres' }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
    expect(returnedShown).toBe(euros(10_050));
    await expectAccessible(page);
    await docsScreenshot(page, 'accountant-fr-laptop', true);

    // members.csv: one row per allowance holder; its columns add up to the figures on screen.
    const members = splitCsv((await download(page, 'members.csv')).toString('utf8'));
    const column = (name: string) => members.records.map((r) => cents(r[name]!));
    expect(euros(sum(column('Enveloppe')))).toBe(allowances[0]);
    expect(euros(sum(column('Non dépensé')))).toBe(unspent[0]);
    expect(euros(sum(column('Restitué')))).toBe(returnedShown);
    expect(members.records.map((r) => r['Nom'])).toContain('Marie "Mimi" Martin');
    expect(members.summary.get('Σ enveloppes')?.map(cents)).toEqual([sum(column('Enveloppe')), sum(column('Enveloppe'))]);
    expect(members.summary.get('Rapproché')).toEqual(['oui']);

    // buckets.csv: what the funded projects hold.
    const buckets = splitCsv((await download(page, 'buckets.csv')).toString('utf8'));
    const fundedCents = sum(buckets.records.filter((r) => r['Statut'] === 'Financé').map((r) => cents(r['Financé']!)));
    expect(euros(fundedCents)).toBe(funded[0]);
    expect(buckets.records.map((r) => r['Projet']).sort()).toEqual(['Jardin partagé; bacs', 'Vélos cargo']);

    // ledger.csv: the grants are the allowances, the returns what went back.
    const ledger = splitCsv((await download(page, 'ledger.csv')).toString('utf8'));
    const byKind = (kind: string) => ledger.records.filter((r) => r['Type'] === kind).map((r) => cents(r['Montant']!));
    expect(euros(sum(byKind('Enveloppe')))).toBe(allowances[1]);
    expect(euros(Math.abs(sum(byKind('Restitution'))))).toBe(returnedShown);
    expect(ledger.summary.get('Σ non dépensé')?.map(cents).map((c) => euros(c))).toEqual(unspent);

    // round.xlsx: the Reconciliation sheet holds the same figures, as numbers in euros.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download(page, 'round.xlsx')) as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Reconciliation');
    expect(sheet).toBeDefined();
    const figures = new Map<string, unknown[]>();
    sheet!.eachRow((row) => {
      const values = (row.values as unknown[]).slice(1);
      figures.set(String(values[0]), values.slice(1));
    });
    const inCents = (label: string) => figures.get(label)!.map((v) => euros(Math.round(Number(v) * 100)));
    expect(inCents('Σ enveloppes')).toEqual(allowances);
    expect(inCents('Σ dans les projets financés ou réalisés')).toEqual(funded);
    expect(inCents('Σ non dépensé')).toEqual(unspent);
    expect(figures.get('Rapproché')).toEqual(['oui']);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Buckets', 'Members', 'Ledger', 'Reconciliation']);
  });

  it('reads in English and fits a phone', async () => {
    const { round, accountant } = await aClosedRound();
    for (const locale of ['fr', 'en'] as const) {
      const page = await app.open(accountant, { locale, viewport: PHONE });
      await page.goto(`${app.origin}/rounds/${round.id}/accounts`);
      await page.getByText(locale === 'fr' ? 'Rapproché au centime' : 'Reconciled to the cent').waitFor(WAIT);
      await expectNoHorizontalScroll(page);
      await expectAccessible(page);
      await docsScreenshot(page, `accountant-${locale}-phone`, true);
      if (locale === 'en') {
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.getByRole('link', { name: 'Download round.xlsx' }).waitFor(WAIT);
        await expectAccessible(page);
        await docsScreenshot(page, 'accountant-en-laptop', true);
      }
    }
  });

  it('tells a member the page is for the accountants', async () => {
    const { round } = await aClosedRound();
    const member = await app.t.given.member({ organisationId: round.organisationId });
    const page = await app.open(member, { locale: 'en' });
    await page.goto(`${app.origin}/rounds/${round.id}/accounts`);
    await page.getByText('For the accountants').waitFor(WAIT);
    await expectAccessible(page);
  });
});
