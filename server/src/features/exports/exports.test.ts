import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { majorUnits } from '@cagnotte/shared';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import { closedRound, centsOf, shortestMajor, INJECTED_NAME, INJECTED_REASON, INJECTED_TITLE } from '../../../test/exports-scenario.ts';
import { zonedText } from './zoned-time.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

type Who = { token: string };

function download(who: Who, path: string) {
  return request(t.app.server)
    .get(path)
    .set(t.given.authFor(who))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/** A CSV export split into its header, its rows and its reconciliation lines. */
async function csv(who: Who, roundId: string, file: string) {
  const res = await download(who, `/api/rounds/${roundId}/exports/${file}`);
  expect(res.status).toBe(200);
  const bytes = res.body as Buffer;
  const text = bytes.toString('utf8');
  const [data = '', trailer = ''] = text.replace(/^\uFEFF/, '').split('\r\n\r\n');
  const [header = [], ...rows] = parse(data, { delimiter: ';' }) as string[][];
  const summary = parse(trailer, { delimiter: ';', relax_column_count: true }) as string[][];
  return { res, bytes, text, header, rows, summary };
}

const paris = zonedText('Europe/Paris', 'fr');
const fr = (cents: number) => majorUnits(cents, 'EUR', 'fr');
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await t.db.execute(query)).rows as T[];
}

type DbBucket = { id: string; title: string; status: string; funded_cents: number; min_cents: number; max_cents: number; contributors: number; created_ms: number };
const dbBuckets = (roundId: string) =>
  rows<DbBucket>(sql`SELECT id, title, status, funded_cents, min_cents, max_cents, contributors, extract(epoch FROM created_at) * 1000 AS created_ms FROM buckets WHERE round_id = ${roundId} AND status <> 'draft' ORDER BY created_at, id`);

type DbMember = { membership_id: string; member_number: string | null; name: string; email: string | null; role: string; allowance_cents: number; allocated_cents: number; returned: number };
const dbMembers = (roundId: string) =>
  rows<DbMember>(sql`
    SELECT m.id AS membership_id, m.member_number, m.name, CASE WHEN m.erased_at IS NULL THEN pe.email END AS email, m.role, p.allowance_cents, p.allocated_cents,
      (SELECT COALESCE(-SUM(delta_cents), 0) FROM ledger l WHERE l.participant_id = p.id AND l.kind = 'return')::bigint AS returned
    FROM participants p JOIN memberships m ON m.id = p.membership_id JOIN people pe ON pe.id = m.person_id
    WHERE p.round_id = ${roundId}`);

/** The French values of the exports: statuses, roles and kinds as the app shows them. */
const STATUS_FR: Record<string, string> = { funded: 'Financé', completed: 'Réalisé', awaiting_board: 'Décision du CA', not_funded: 'Non financé', withdrawn: 'Retiré', rejected: 'Refusé', open: 'Ouvert' };
const ROLE_FR: Record<string, string> = { admin: 'Administration', member: 'Membre', accountant: 'Comptabilité', reviewer: 'Relecture' };
const KIND_FR: Record<string, string> = { grant: 'Enveloppe', allocate: 'Affectation', return: 'Restitution' };

type DbLedger = { id: number; bucket_id: string | null; kind: string; delta_cents: number; created_ms: number; entered_by: string | null; membership_id: string; reason: string | null; idempotency_key: string | null };
const dbLedger = (roundId: string) =>
  rows<DbLedger>(sql`SELECT l.*, extract(epoch FROM l.created_at) * 1000 AS created_ms, p.membership_id FROM ledger l JOIN participants p ON p.id = l.participant_id WHERE l.round_id = ${roundId} ORDER BY l.id`);

describe('buckets.csv', () => {
  it('lists every project past its draft with its money to the cent', async () => {
    const { accountant, round } = await closedRound(t);
    const { header, rows: lines } = await csv(accountant, round.id, 'buckets.csv');
    expect(header).toEqual(['Id du projet', 'Projet', 'Statut', 'Financé', 'Minimum', 'Maximum', 'Contributeurs', 'Porteurs', 'Créé le', 'Fin du financement']);
    const expected = await dbBuckets(round.id);
    expect(lines).toHaveLength(expected.length);
    expected.forEach((b, i) => {
      const line = lines[i]!;
      expect(line[0]).toBe(b.id);
      expect(line[1]!.replace(/^'/, '')).toBe(b.title);
      expect(line.slice(2, 7)).toEqual([STATUS_FR[b.status], fr(b.funded_cents), fr(b.min_cents), fr(b.max_cents), String(b.contributors)]);
      expect(line[8]).toBe(paris(new Date(Number(b.created_ms))));
    });
    expect(sum(lines.map((l) => centsOf(l[3]!, ',')))).toBe(sum(expected.map((b) => b.funded_cents)));
    expect(lines.map((l) => l[1])).not.toContain('A private draft');
  });

  it('names the accepted proposers and when funding ended', async () => {
    const { accountant, admin, round } = await closedRound(t);
    const { rows: lines } = await csv(accountant, round.id, 'buckets.csv');
    const rejected = lines.find((l) => l[1] === 'Rejected before funding');
    expect(rejected?.[2]).toBe('Refusé');
    expect(rejected?.[7]).toBe(admin.name);
    expect(rejected?.[9]).toBe('');
    const withdrawn = lines.find((l) => l[2] === 'Retiré');
    expect(withdrawn?.[9]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
  });
});

describe('members.csv', () => {
  it('gives each member’s allowance, allocated, returned and unspent to the cent', async () => {
    const { accountant, round } = await closedRound(t);
    const { header, rows: lines } = await csv(accountant, round.id, 'members.csv');
    expect(header).toEqual(['Id du membre', 'N° de membre', 'Nom', 'E-mail', 'Rôle', 'Enveloppe', 'Affecté', 'Restitué', 'Non dépensé']);
    const expected = await dbMembers(round.id);
    expect(lines).toHaveLength(expected.length);
    for (const m of expected) {
      const line = lines.find((l) => l[0] === m.membership_id);
      expect(line, m.name).toEqual([
        m.membership_id,
        m.member_number ?? '',
        line![2],
        m.email ?? '',
        ROLE_FR[m.role],
        fr(m.allowance_cents),
        fr(m.allocated_cents),
        fr(m.returned),
        fr(m.allowance_cents - m.allocated_cents),
      ]);
    }
    expect(sum(lines.map((l) => centsOf(l[5]!, ',')))).toBe(sum(expected.map((m) => m.allowance_cents)));
    expect(sum(lines.map((l) => centsOf(l[7]!, ',')))).toBeGreaterThan(0);
  });

  it('tells apart two members with the same name by their id and member number', async () => {
    const { accountant, round, members } = await closedRound(t, { allocations: 5 });
    await t.db.execute(sql`UPDATE memberships SET name = 'Marie Martin' WHERE id IN (${members[2]!.membershipId}, ${members[3]!.membershipId})`);
    await t.db.execute(sql`UPDATE memberships SET member_number = 'S-0003' WHERE id = ${members[3]!.membershipId}`);
    const { rows: lines } = await csv(accountant, round.id, 'members.csv');
    const maries = lines.filter((l) => l[2] === 'Marie Martin');
    expect(maries.map((l) => [l[0], l[1]]).sort()).toEqual([[members[2]!.membershipId, ''], [members[3]!.membershipId, 'S-0003']].sort());
  });

  it('leaves out a participant row that never held anything', async () => {
    const { accountant, admin, round } = await closedRound(t, { allocations: 5 });
    // What opening funding used to create for an allowance override of 0.
    const zero = await t.given.member({ organisationId: admin.organisationId, name: 'Zero allowance' });
    await t.db.execute(sql`INSERT INTO participants (round_id, membership_id, allowance_cents, version) VALUES (${round.id}, ${zero.membershipId}, 0, 1)`);
    const { rows: lines, summary } = await csv(accountant, round.id, 'members.csv');
    expect(lines.map((l) => l[0])).not.toContain(zero.membershipId);
    expect(summary.at(-1)).toEqual(['Rapproché', 'oui']);
  });

  it('leaves the e-mail of an erased member blank', async () => {
    const { accountant, round } = await closedRound(t);
    const { rows: lines } = await csv(accountant, round.id, 'members.csv');
    expect(lines.find((l) => l[2] === 'Erased member')?.[3]).toBe('');
  });
});

describe('ledger.csv', () => {
  it('has every ledger row in order, with its signed amount', async () => {
    const { accountant, round } = await closedRound(t);
    const { header, rows: lines } = await csv(accountant, round.id, 'ledger.csv');
    expect(header).toEqual([
      'N°', 'Date', 'Type', 'Id du membre', 'N° de membre', 'Membre', 'Id du projet', 'Projet', 'Montant', 'Saisi par', 'Pour le compte du membre', 'Motif', 'Clé d’idempotence',
    ]);
    const expected = await dbLedger(round.id);
    expect(lines.map((l) => Number(l[0]))).toEqual(expected.map((l) => l.id));
    expected.forEach((l, i) => {
      expect(lines[i]!.slice(1, 4)).toEqual([paris(new Date(Number(l.created_ms))), KIND_FR[l.kind], l.membership_id]);
      expect(lines[i]![6]).toBe(l.bucket_id ?? '');
      expect(lines[i]![8]).toBe(fr(l.delta_cents));
    });
    for (const kind of ['grant', 'allocate', 'return']) {
      const ofKind = lines.filter((l) => l[2] === KIND_FR[kind]);
      expect(sum(ofKind.map((l) => centsOf(l[8]!, ',')))).toBe(sum(expected.filter((l) => l.kind === kind).map((l) => l.delta_cents)));
    }
  });

  it('says who entered each row and whether it was on the member’s behalf', async () => {
    const { accountant, admin, round, members, buckets } = await closedRound(t);
    const { rows: lines } = await csv(accountant, round.id, 'ledger.csv');
    const paper = lines.find((l) => l[2] === 'Affectation' && l[9] === admin.name);
    expect(paper?.slice(3)).toEqual([members[0]!.membershipId, '', members[0]!.name, buckets.b4.id, buckets.b4.title, fr(3_333), admin.name, 'oui', '', '']);
    const own = lines.find((l) => l[2] === 'Affectation' && l[5] === members[1]!.name && l[7] === buckets.b4.title);
    expect(own?.slice(8, 11)).toEqual([fr(2_000), members[1]!.name, 'non']);
    const returned = lines.find((l) => l[2] === 'Restitution');
    expect(returned?.slice(9, 12)).toEqual(['(automatique)', '', expect.stringMatching(/minimum missed|withdrawn/)]);
  });

  it('says who entered each initial allowance, on nobody’s behalf', async () => {
    const { accountant, admin, round } = await closedRound(t, { allocations: 5 });
    const { rows: lines } = await csv(accountant, round.id, 'ledger.csv');
    const initial = lines.filter((l) => l[11] === 'Enveloppe initiale');
    const participants = (await dbMembers(round.id)).length;
    expect(initial).toHaveLength(participants);
    for (const l of initial) expect([l[2], l[9], l[10]]).toEqual(['Enveloppe', admin.name, '']);
    expect(lines.filter((l) => l[2] !== 'Affectation').every((l) => l[10] === '')).toBe(true);
  });
});

describe('the CSV format', () => {
  it('is UTF-8 with a BOM, `;`-separated, with CRLF line ends', async () => {
    const { accountant, round } = await closedRound(t, { allocations: 5 });
    for (const file of ['buckets.csv', 'members.csv', 'ledger.csv']) {
      const { res, bytes, text } = await csv(accountant, round.id, file);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(text.split('\r\n')[0]).toContain(';');
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(text.endsWith('\r\n')).toBe(true);
    }
  });

  it('writes euros in major units with the French decimal comma, never cents', async () => {
    const { accountant, round } = await closedRound(t, { allocations: 5 });
    const { rows: lines } = await csv(accountant, round.id, 'members.csv');
    for (const line of lines) for (const amount of line.slice(5)) expect(amount).toMatch(/^-?\d+,\d{2}$/);
    expect(lines.map((l) => l[5])).toContain('430,00');
  });

  it('writes dates as French date-time text in the organisation’s time zone, and names the zone', async () => {
    const { accountant, round, buckets } = await closedRound(t, { allocations: 5 });
    const { rows: lines, summary } = await csv(accountant, round.id, 'buckets.csv');
    const line = lines.find((l) => l[1] === buckets.b2.title);
    expect(line?.[8]).toBe('24/11/2026 10:15:00');
    expect(summary).toContainEqual(['Dates dans le fuseau horaire', 'Europe/Paris']);
  });

  it('neutralises text a spreadsheet would run as a formula, never amounts', async () => {
    const { accountant, round } = await closedRound(t);
    const buckets = await csv(accountant, round.id, 'buckets.csv');
    expect(buckets.rows.map((l) => l[1])).toContain(`'${INJECTED_TITLE}`);
    const members = await csv(accountant, round.id, 'members.csv');
    expect(members.rows.map((l) => l[2])).toContain(`'${INJECTED_NAME}`);
    const ledger = await csv(accountant, round.id, 'ledger.csv');
    expect(ledger.rows.map((l) => l[11])).toContain(`'${INJECTED_REASON}`);
    expect(ledger.rows.map((l) => l[7])).toContain(`'${INJECTED_TITLE}`);
    const negative = ledger.rows.filter((l) => l[8]!.startsWith('-'));
    expect(negative.length).toBeGreaterThan(0);
    for (const l of ledger.rows) expect(l[8]).toMatch(/^-?\d+,\d{2}$/);
  });

  it('names the file after the round', async () => {
    const { accountant, round } = await closedRound(t, { allocations: 1 });
    await t.db.execute(sql`UPDATE rounds SET title = 'Budget participatif 2026 — Été' WHERE id = ${round.id}`);
    const res = await download(accountant, `/api/rounds/${round.id}/exports/ledger.csv`);
    expect(res.headers['content-disposition']).toBe('attachment; filename="budget-participatif-2026-ete-ledger.csv"');
  });

  it('writes English headers, values, dates and a decimal point for an English-speaking organisation', async () => {
    const { accountant, admin, round, buckets: { b2, b5 } } = await closedRound(t, { allocations: 5 });
    await t.db.execute(sql`UPDATE organisations SET locale = 'en', time_zone = 'America/New_York' WHERE id = ${admin.organisationId}`);
    const { header, rows: lines, summary } = await csv(accountant, round.id, 'members.csv');
    expect(header[5]).toBe('Allowance');
    expect(lines.map((l) => l[5])).toContain('430.00');
    expect(new Set(lines.map((l) => l[4]))).toEqual(new Set(['Member', 'Admin']));
    expect(summary.at(-1)).toEqual(['Reconciled', 'yes']);
    const buckets = await csv(accountant, round.id, 'buckets.csv');
    expect(buckets.rows.find((l) => l[1] === b2.title)?.[8]).toBe('2026-11-24 04:15:00');
    expect(buckets.rows.find((l) => l[1] === b5.title)?.[2]).toBe('Not funded');
    expect(buckets.summary).toContainEqual(['Dates in the time zone', 'America/New_York']);
    const ledger = await csv(accountant, round.id, 'ledger.csv');
    expect(new Set(ledger.rows.map((l) => l[2]))).toEqual(new Set(['Allowance', 'Allocation', 'Return']));
    expect(ledger.rows.filter((l) => l[11] === 'Initial allowance').length).toBeGreaterThan(0);
    expect(ledger.rows.filter((l) => l[2] === 'Allocation').map((l) => l[10])).toContain('no');
  });
});

describe('the reconciliation', () => {
  it('holds to the cent, from the stored totals and from the ledger', async () => {
    const { accountant, round } = await closedRound(t);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
    const res = await request(t.app.server).get(`/api/rounds/${round.id}/exports/reconciliation`).set(t.given.authFor(accountant));
    expect(res.status).toBe(200);
    const [db] = await rows<{ allowances: number; in_funded: number; in_pending: number; unspent: number; returned: number; n: number }>(sql`
      SELECT
        (SELECT SUM(allowance_cents) FROM participants WHERE round_id = ${round.id})::bigint AS allowances,
        (SELECT SUM(allowance_cents - allocated_cents) FROM participants WHERE round_id = ${round.id})::bigint AS unspent,
        (SELECT COALESCE(SUM(funded_cents), 0) FROM buckets WHERE round_id = ${round.id} AND status IN ('funded', 'completed'))::bigint AS in_funded,
        (SELECT COALESCE(SUM(funded_cents), 0) FROM buckets WHERE round_id = ${round.id} AND status IN ('open', 'awaiting_board'))::bigint AS in_pending,
        (SELECT -SUM(delta_cents) FROM ledger WHERE round_id = ${round.id} AND kind = 'return')::bigint AS returned,
        (SELECT COUNT(*) FROM ledger WHERE round_id = ${round.id})::int AS n`);
    const side = { allowancesCents: db!.allowances, inFundedBucketsCents: db!.in_funded, inPendingBucketsCents: db!.in_pending, unspentCents: db!.unspent, inOtherBucketsCents: 0, balanced: true };
    expect(res.body).toMatchObject({ roundId: round.id, currency: 'EUR', stored: side, ledger: side, returnedCents: db!.returned, ledgerRows: db!.n, reconciled: true });
    expect(db!.in_funded).toBeGreaterThan(0);
    expect(db!.in_pending).toBeGreaterThan(0);
    expect(db!.returned).toBeGreaterThan(0);
    expect(db!.allowances).toBe(db!.in_funded + db!.in_pending + db!.unspent);
  });

  it('ends every CSV file, after a blank line, with the same figures', async () => {
    const { accountant, round } = await closedRound(t);
    const json = (await request(t.app.server).get(`/api/rounds/${round.id}/exports/reconciliation`).set(t.given.authFor(accountant))).body;
    for (const file of ['buckets.csv', 'members.csv', 'ledger.csv']) {
      const { text, summary } = await csv(accountant, round.id, file);
      expect(text).toMatch(/\r\n\r\n# Rapprochement;Depuis les totaux;Depuis le journal\r\n/);
      expect(summary.slice(1, 6)).toEqual([
        ['Σ enveloppes', fr(json.stored.allowancesCents), fr(json.ledger.allowancesCents)],
        ['Σ dans les projets financés ou réalisés', fr(json.stored.inFundedBucketsCents), fr(json.ledger.inFundedBucketsCents)],
        ['Σ dans les projets ouverts ou en attente du CA', fr(json.stored.inPendingBucketsCents), fr(json.ledger.inPendingBucketsCents)],
        ['Σ non dépensé', fr(json.stored.unspentCents), fr(json.ledger.unspentCents)],
        ['Σ dans les autres projets (doit être 0)', '0,00', '0,00'],
      ]);
      expect(summary).toContainEqual(['Σ restitué (déjà dans le non dépensé)', '', fr(json.returnedCents)]);
      expect(summary.at(-1)).toEqual(['Rapproché', 'oui']);
    }
  });

  it('says no when the stored totals drift from the ledger', async () => {
    const { accountant, round, members } = await closedRound(t, { allocations: 5 });
    await t.db.execute(sql`UPDATE participants SET allowance_cents = allowance_cents + 1 WHERE round_id = ${round.id} AND membership_id = ${members[0]!.membershipId}`);
    const res = await request(t.app.server).get(`/api/rounds/${round.id}/exports/reconciliation`).set(t.given.authFor(accountant));
    expect(res.body.reconciled).toBe(false);
    expect(res.body.stored.allowancesCents).toBe(res.body.ledger.allowancesCents + 1);
    const { summary } = await csv(accountant, round.id, 'ledger.csv');
    expect(summary.at(-1)).toEqual(['Rapproché', 'non']);
  });
});

describe('round.xlsx', () => {
  async function workbook(who: Who, roundId: string) {
    const res = await download(who, `/api/rounds/${roundId}/exports/round.xlsx`);
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as ExcelJS.Buffer);
    const sheet = (name: string) => {
      const found = book.getWorksheet(name);
      if (!found) throw new Error(`no sheet ${name}`);
      const values: unknown[][] = [];
      found.eachRow({ includeEmpty: true }, (row) => values.push((row.values as unknown[]).slice(1)));
      return values;
    };
    return { res, book, sheet };
  }

  it('has a sheet per table and the reconciliation, as an attachment', async () => {
    const { accountant, round } = await closedRound(t, { allocations: 5 });
    const { res, book } = await workbook(accountant, round.id);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+-round\.xlsx"$/);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Buckets', 'Members', 'Ledger', 'Reconciliation']);
  });

  it('writes every amount as a number whose text is the exact amount', async () => {
    const { accountant, round } = await closedRound(t);
    const { sheet } = await workbook(accountant, round.id);
    const amountsOf = (lines: unknown[][], columns: number[]) => lines.map((l) => columns.map((c) => String(l[c])));

    const buckets = await dbBuckets(round.id);
    expect(amountsOf(sheet('Buckets').slice(1, -1), [3, 4, 5])).toEqual(buckets.map((b) => [b.funded_cents, b.min_cents, b.max_cents].map(shortestMajor)));

    const members = await rows<DbMember>(sql`
      SELECT p.allowance_cents, p.allocated_cents,
        (SELECT COALESCE(-SUM(delta_cents), 0) FROM ledger l WHERE l.participant_id = p.id AND l.kind = 'return')::bigint AS returned
      FROM participants p JOIN memberships m ON m.id = p.membership_id JOIN people pe ON pe.id = m.person_id
      WHERE p.round_id = ${round.id} ORDER BY lower(m.name), p.id`);
    expect(amountsOf(sheet('Members').slice(1, -1), [5, 6, 7, 8])).toEqual(
      members.map((m) => [m.allowance_cents, m.allocated_cents, m.returned, m.allowance_cents - m.allocated_cents].map(shortestMajor)),
    );

    const ledger = await dbLedger(round.id);
    const lines = sheet('Ledger').slice(1, -3);
    expect(lines.map((l) => l[0])).toEqual(ledger.map((l) => l.id));
    expect(amountsOf(lines, [8])).toEqual(ledger.map((l) => [shortestMajor(l.delta_cents)]));
    for (const l of lines) expect(typeof l[8]).toBe('number');
  });

  it('ends Buckets, Members and Ledger with totals to the cent', async () => {
    const { accountant, round } = await closedRound(t);
    const { sheet } = await workbook(accountant, round.id);
    const buckets = await dbBuckets(round.id);
    expect(sheet('Buckets').at(-1)!.slice(0, 6)).toEqual(['Total', undefined, undefined, ...[
      sum(buckets.map((b) => b.funded_cents)), sum(buckets.map((b) => b.min_cents)), sum(buckets.map((b) => b.max_cents)),
    ].map((c) => Number(shortestMajor(c)))]);
    const members = await dbMembers(round.id);
    const memberTotals = sheet('Members').at(-1)!;
    expect(memberTotals[0]).toBe('Total');
    expect(memberTotals.slice(5).map(String)).toEqual([
      sum(members.map((m) => m.allowance_cents)),
      sum(members.map((m) => m.allocated_cents)),
      sum(members.map((m) => m.returned)),
      sum(members.map((m) => m.allowance_cents - m.allocated_cents)),
    ].map(shortestMajor));
    const ledger = await dbLedger(round.id);
    const ledgerTotals = sheet('Ledger').slice(-3);
    for (const [i, kind] of ['grant', 'allocate', 'return'].entries()) {
      expect(ledgerTotals[i]![0]).toBe(`Total ${KIND_FR[kind]!.toLowerCase()}`);
      expect(String(ledgerTotals[i]![8])).toBe(shortestMajor(sum(ledger.filter((l) => l.kind === kind).map((l) => l.delta_cents))));
    }
  });

  it('writes dates as date cells holding the organisation’s wall clock, in the locale’s format', async () => {
    const { accountant, round, buckets: { b2 } } = await closedRound(t, { allocations: 5 });
    const { book } = await workbook(accountant, round.id);
    const sheet = book.getWorksheet('Buckets')!;
    let created: ExcelJS.Cell | undefined;
    sheet.eachRow((row) => void (row.getCell(2).value === b2.title && (created = row.getCell(9))));
    expect(created?.value).toBeInstanceOf(Date);
    expect((created?.value as Date).toISOString()).toBe('2026-11-24T10:15:00.000Z');
    expect(created?.numFmt).toBe('dd/mm/yyyy hh:mm:ss');
    const ledger = book.getWorksheet('Ledger')!;
    expect(ledger.getRow(2).getCell(2).value).toBeInstanceOf(Date);
  });

  it('carries the ids on every row', async () => {
    const { accountant, round } = await closedRound(t, { allocations: 5 });
    const { sheet } = await workbook(accountant, round.id);
    const buckets = await dbBuckets(round.id);
    expect(sheet('Buckets').slice(1, -1).map((l) => l[0])).toEqual(buckets.map((b) => b.id));
    const members = new Set((await dbMembers(round.id)).map((m) => m.membership_id));
    expect(new Set(sheet('Members').slice(1, -1).map((l) => l[0]))).toEqual(members);
    const ledger = await dbLedger(round.id);
    expect(sheet('Ledger').slice(1, -3).map((l) => [l[3], l[6] ?? null])).toEqual(ledger.map((l) => [l.membership_id, l.bucket_id]));
  });

  it('keeps text as typed, formulas included, as plain text cells', async () => {
    const { accountant, round } = await closedRound(t, { allocations: 5 });
    const { sheet, book } = await workbook(accountant, round.id);
    expect(sheet('Buckets').map((l) => l[1])).toContain(INJECTED_TITLE);
    const cell = book.getWorksheet('Buckets')!.getColumn(2).values.find((v) => v === INJECTED_TITLE);
    expect(typeof cell).toBe('string');
  });

  it('carries the reconciliation sheet, reconciled', async () => {
    const { accountant, round } = await closedRound(t);
    const json = (await request(t.app.server).get(`/api/rounds/${round.id}/exports/reconciliation`).set(t.given.authFor(accountant))).body;
    const { sheet } = await workbook(accountant, round.id);
    const summary = sheet('Reconciliation');
    expect(summary[1]).toEqual(['Σ enveloppes', Number(shortestMajor(json.stored.allowancesCents)), Number(shortestMajor(json.ledger.allowancesCents))]);
    expect(summary.at(-1)).toEqual(['Rapproché', 'oui']);
  });
});
