import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { testApp, TEST_ORIGIN, type TestContext } from './harness.ts';
import { moneyViolations } from './invariants.ts';
import { DEMO_PEOPLE, seedDemo } from '../src/seed/demo.ts';

/**
 * The issues' "done when", end to end through the documented HTTP API only, starting from the
 * demo seed and its printed sign-in link, as a new user following the README would.
 */
let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

type Session = { token: string; name: string };
const api = (session: Session) => ({
  get: (path: string) => request(t.app.server).get(path).set('authorization', `Bearer ${session.token}`),
  post: (path: string, body?: object) => request(t.app.server).post(path).set('authorization', `Bearer ${session.token}`).send(body ?? {}),
  put: (path: string, body: object) => request(t.app.server).put(path).set('authorization', `Bearer ${session.token}`).send(body),
  patch: (path: string, body: object) => request(t.app.server).patch(path).set('authorization', `Bearer ${session.token}`).send(body),
});

async function openSession(token: string): Promise<Session> {
  const res = await request(t.app.server).post('/api/auth/session').send({ token });
  expect(res.status).toBe(201);
  return { token: res.body.token, name: res.body.me.person.name };
}

/** Signs in the way a member does: asks for a link, reads the e-mail, opens it. */
async function signIn(email: string): Promise<Session> {
  await request(t.app.server).post('/api/auth/magic-link').send({ email }).expect(202);
  await t.app.jobs.drainMail();
  const mail = t.mail.sent.filter((m) => m.to === email).at(-1);
  const token = mail?.body.match(/#token=([\w-]+)/)?.[1];
  if (!token) throw new Error(`no sign-in link mailed to ${email}`);
  return openSession(token);
}

describe('a cooperative’s round, from the first sign-in to the accountant’s files', () => {
  it('goes from the demo admin’s link to a closed round whose exports reconcile to the cent', async () => {
    // The README's first command printed this link.
    const demo = await seedDemo({ db: t.db, publicUrl: TEST_ORIGIN, now: t.clock.now });
    const admin = await openSession(new URL(demo!.signInUrl).hash.replace('#token=', ''));
    const me = await api(admin).get('/api/auth/me');
    const orgId = me.body.memberships.find((m: { organisation: { slug: string } }) => m.organisation.slug === 'demo').organisation.id as string;

    // The admin creates a round: €430 each, projects carried by three people, reviewed first.
    const round = await api(admin).post(`/api/orgs/${orgId}/rounds`, {
      title: 'Projets 2028',
      description: 'Les excédents de **2027**.',
      defaultAllowanceCents: 43_000,
      approvalRequired: true,
      minCoProposers: 3,
      shortfallRule: 'return',
    });
    expect(round.status).toBe(201);
    const roundId = round.body.id as string;
    await api(admin).post(`/api/rounds/${roundId}/phase`, { phase: 'proposals' }).expect(200);

    // …and invites three members from a spreadsheet export.
    const csv = '\uFEFFemail;name;role\r\nines@coop.test;Inès Martin;member\r\nolga@coop.test;Olga Petit;member\r\npaul@coop.test;Paul Durand;member\r\n';
    const imported = await request(t.app.server).post(`/api/orgs/${orgId}/members/import`).set('authorization', `Bearer ${admin.token}`).set('content-type', 'text/csv').send(csv);
    expect(imported.body).toEqual({ imported: 3, errors: [] });

    const [ines, olga, paul] = [await signIn('ines@coop.test'), await signIn('olga@coop.test'), await signIn('paul@coop.test')];
    const reviewer = await signIn('reviewer@demo.cagnotte.local');

    /** A project proposed with two co-proposers, refined once, then approved by the reviewer. */
    async function approvedProject(carrier: Session, coProposers: [Session, string][], title: string, lines: object[]) {
      const created = await api(carrier!).post(`/api/rounds/${roundId}/buckets`, { title, summary: 'Pour tous', description: 'Détails', tags: [], budgetLines: lines });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      for (const [session, email] of coProposers) {
        await api(carrier!).post(`/api/buckets/${id}/proposers`, { email }).expect(201);
        await api(session).post(`/api/buckets/${id}/proposers/accept`).expect(200);
      }
      const refined = await api(coProposers[0]![0]).patch(`/api/buckets/${id}`, { revision: 1, summary: 'Pour toute la coopérative' });
      expect(refined.body.revision).toBe(2);
      await api(carrier!).post(`/api/buckets/${id}/propose`).expect(200);
      const approved = await api(reviewer).post(`/api/buckets/${id}/approve`, { reason: 'Chiffré' });
      expect(approved.body.status).toBe('open');
      return id;
    }

    const oven = await approvedProject(ines!, [[olga!, 'olga@coop.test'], [paul!, 'paul@coop.test']], 'Un four à pain', [
      { label: 'Four', amountCents: 120_000, essential: true },
      { label: 'Fondations', amountCents: 30_000, essential: true },
      { label: 'Banc', amountCents: 20_000, essential: false },
    ]);
    const library = await approvedProject(olga!, [[ines!, 'ines@coop.test'], [paul!, 'paul@coop.test']], 'Une bibliothèque partagée', [
      { label: 'Étagères et livres', amountCents: 200_000, essential: true },
    ]);

    // Funding opens: everyone gets €430, and nine members allocate at the same time.
    await api(admin).post(`/api/rounds/${roundId}/phase`, { phase: 'funding' }).expect(200);
    const others: Session[] = [];
    for (const name of ['lea', 'youssef', 'marie', 'accountant']) others.push(await signIn(`${name}@demo.cagnotte.local`));
    const everyone = [admin, reviewer, ines!, olga!, paul!, ...others];
    expect(everyone).toHaveLength(9);
    // The oven gets 9 × 170 € = 1,530 €, above its 1,500 € minimum; the library 8 × 240 € + 70 € = 1,990 €, 10 € short.
    const replies = await Promise.all(everyone.flatMap((member, i) => [
      api(member).put(`/api/buckets/${oven}/allocation`, { amountCents: 17_000 }),
      api(member).put(`/api/buckets/${library}/allocation`, { amountCents: i === 0 ? 7_000 : 24_000 }),
    ]));
    expect(replies.map((r) => r.status)).toEqual(Array(18).fill(200));
    const mine = await api(ines!).get(`/api/rounds/${roundId}/me`);
    expect(mine.body).toMatchObject({ allowanceCents: 43_000, allocatedCents: 41_000, remainingCents: 2_000 });

    // The board meeting closes the round: the oven is funded, the library's money goes back.
    const closed = await api(admin).post(`/api/rounds/${roundId}/close`);
    expect(closed.status).toBe(200);
    const buckets = (await api(ines!).get(`/api/rounds/${roundId}/buckets`)).body.buckets as { id: string; status: string }[];
    expect(buckets.find((b) => b.id === oven)?.status).toBe('funded');
    expect(buckets.find((b) => b.id === library)?.status).toBe('not_funded');
    expect((await api(olga!).put(`/api/buckets/${oven}/allocation`, { amountCents: 1 })).body.code).toBe('round_not_funding');
    const receipt = await api(paul!).get(`/api/rounds/${roundId}/receipt`);
    expect(receipt.status).toBe(200);
    expect(await moneyViolations(t.db, roundId)).toEqual([]);

    // The accountant's files reconcile, in both formats.
    const accountant = others[3]!;
    // Every demo person is a sociétaire, and the three imported members are members: all hold €430.
    const participants = DEMO_PEOPLE.length + 3;
    const reconciliation = await api(accountant).get(`/api/rounds/${roundId}/exports/reconciliation`);
    expect(reconciliation.body).toMatchObject({
      reconciled: true,
      returnedCents: 199_000,
      stored: { allowancesCents: participants * 43_000, inFundedBucketsCents: 153_000, inPendingBucketsCents: 0, unspentCents: participants * 43_000 - 153_000 },
      ledger: { inFundedBucketsCents: 153_000 },
    });

    const ledgerCsv = await api(accountant).get(`/api/rounds/${roundId}/exports/ledger.csv`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
    const text = ledgerCsv.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(text.slice(1).split('\r\n\r\n')[0]!, { delimiter: ';', columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r.Type === 'Restitution')).toHaveLength(9);
    expect(text).toContain('1530,00');

    const xlsx = await api(accountant).get(`/api/rounds/${roundId}/exports/round.xlsx`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['Buckets', 'Members', 'Ledger', 'Reconciliation']));
  });
});
