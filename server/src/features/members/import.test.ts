import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { and, eq, sql } from 'drizzle-orm';
import { testApp, TEST_ORIGIN, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { memberships, participants, people } from '../../db/schema.ts';
import { importMembersFromFile } from './import-file.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const importCsv = (admin: Member, body: string | Buffer, type = 'text/csv') =>
  request(t.app.server).post(`/api/orgs/${admin.organisationId}/members/import`).set(t.given.authFor(admin)).set('content-type', type).send(body);

const membersOf = (organisationId: string) =>
  t.db.select({ email: people.email, name: people.name, role: memberships.role }).from(memberships).innerJoin(people, eq(people.id, memberships.personId)).where(eq(memberships.organisationId, organisationId));

const peopleNamed = async (email: string) => t.db.select().from(people).where(sql`lower(${people.email}) = ${email}`);

describe('importing members from CSV', () => {
  it('adds every line, with its role, and welcomes each newcomer', async () => {
    const admin = await t.given.admin();
    const res = await importCsv(admin, 'email,name,role\nimp-a@example.org,Imp A,reviewer\nimp-b@example.org,Imp B,\n');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ imported: 2, errors: [] });
    expect(await membersOf(admin.organisationId)).toEqual(
      expect.arrayContaining([
        { email: 'imp-a@example.org', name: 'Imp A', role: 'reviewer' },
        { email: 'imp-b@example.org', name: 'Imp B', role: 'member' },
      ]),
    );
    await t.app.jobs.drainMail();
    expect(t.mail.sent.filter((m) => m.to.startsWith('imp-')).map((m) => m.body)).toEqual([
      expect.stringContaining(`${TEST_ORIGIN}/sign-in`),
      expect.stringContaining(`${TEST_ORIGIN}/sign-in`),
    ]);
  });

  it('imports nothing when one line is bad, and names that line', async () => {
    const admin = await t.given.admin();
    const res = await importCsv(admin, 'email,name\nok-1@example.org,Ok\nbroken,Broken\nok-2@example.org,Ok 2\n');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'import_failed', imported: 0, errors: [{ line: 3, message: '"broken" is not an e-mail address' }] });
    expect(await membersOf(admin.organisationId)).toHaveLength(1);
    expect(await peopleNamed('ok-1@example.org')).toEqual([]);
    await t.app.jobs.drainMail();
    expect(t.mail.sent.filter((m) => m.to.startsWith('ok-'))).toEqual([]);
  });

  it('reads a semicolon-separated file with a byte order mark', async () => {
    const admin = await t.given.admin();
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email;name;role\r\nsemi@example.org;Zoé, gérante;accountant\r\n', 'utf8')]);
    const res = await importCsv(admin, file, 'text/csv; charset=utf-8');
    expect(res.body).toEqual({ imported: 1, errors: [] });
    expect(await membersOf(admin.organisationId)).toContainEqual({ email: 'semi@example.org', name: 'Zoé, gérante', role: 'accountant' });
  });

  it('reports an e-mail listed twice in the file', async () => {
    const admin = await t.given.admin();
    const res = await importCsv(admin, 'email,name\ndup@example.org,Dup\nDUP@example.org,Dup again\n');
    expect(res.body.errors).toEqual([{ line: 3, message: 'dup@example.org is already on line 2' }]);
  });

  it('reports current and former members by line, and imports nobody', async () => {
    const admin = await t.given.admin();
    const current = await t.given.member({ organisationId: admin.organisationId });
    const former = await t.given.member({ organisationId: admin.organisationId });
    await t.db.update(memberships).set({ active: false, deactivatedAt: t.clock.now() }).where(eq(memberships.id, former.membershipId));
    const res = await importCsv(admin, `email,name\nfresh@example.org,Fresh\n${current.email},Current\n${former.email},Former\n`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { line: 3, message: `${current.email} is already a member of this organisation` },
      { line: 4, message: `${former.email} is a former member of this organisation: reactivate their membership instead` },
    ]);
    expect(await peopleNamed('fresh@example.org')).toEqual([]);
  });

  it('reuses people known from another organisation under the name given here, leaving theirs alone', async () => {
    const known = await t.given.member({ email: 'known-imp@example.org', name: 'Known Name' });
    const admin = await t.given.admin();
    await importCsv(admin, 'email,name\nKnown-Imp@example.org,Other Name\n').expect(200);
    const [row] = await t.db.select().from(memberships).where(and(eq(memberships.organisationId, admin.organisationId), eq(memberships.personId, known.personId)));
    expect(row?.name).toBe('Other Name');
    const [theirs] = await t.db.select().from(memberships).where(eq(memberships.id, known.membershipId));
    expect(theirs?.name).toBe('Known Name');
  });

  it('gives imported members their allowance in the rounds now funding', async () => {
    const { admin, round } = await t.given.fundingRound({ members: 0, round: { defaultAllowanceCents: 5_000 } });
    await importCsv(admin, 'email,name\nfunded-a@example.org,A\nfunded-b@example.org,B\n').expect(200);
    const rows = await t.db.select().from(participants).where(eq(participants.roundId, round.id));
    expect(rows.map((p) => p.allowanceCents)).toEqual([5_000, 5_000, 5_000]);
  });

  it('accepts a header alone as nothing to import', async () => {
    const admin = await t.given.admin();
    expect((await importCsv(admin, 'email,name,role\n')).body).toEqual({ imported: 0, errors: [] });
  });

  it('refuses a file over 1 MiB with 413', async () => {
    const admin = await t.given.admin();
    const res = await importCsv(admin, `email,name\n${'x'.repeat(1024 * 1024)}\n`);
    expect(res.status).toBe(413);
  });

  it('refuses a JSON body, naming the body', async () => {
    const admin = await t.given.admin();
    const res = await request(t.app.server).post(`/api/orgs/${admin.organisationId}/members/import`).set(t.given.authFor(admin)).send({ email: 'x@example.org' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body');
  });

  it('is forbidden to a member who is not an admin', async () => {
    const member = await t.given.member({ role: 'reviewer' });
    expect((await importCsv(member, 'email,name\nx@example.org,X\n')).status).toBe(403);
  });

  it('is a 404 for an admin of another organisation', async () => {
    const member = await t.given.member();
    const otherAdmin = await t.given.admin();
    const res = await request(t.app.server).post(`/api/orgs/${member.organisationId}/members/import`).set(t.given.authFor(otherAdmin)).set('content-type', 'text/csv').send('email,name\nx@example.org,X\n');
    expect(res.status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const member = await t.given.member();
    const res = await request(t.app.server).post(`/api/orgs/${member.organisationId}/members/import`).set('content-type', 'text/csv').send('email,name\n');
    expect(res.status).toBe(401);
  });
});

describe('importing members from the command line', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  async function file(content: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'cagnotte-import-'));
    dirs.push(dir);
    const name = path.join(dir, 'members.csv');
    await writeFile(name, content);
    return name;
  }

  it('imports a file into the organisation named by its slug', async () => {
    const org = await t.given.org();
    const result = await importMembersFromFile({ db: t.db, publicUrl: TEST_ORIGIN }, { slug: org.slug, path: await file('email;name\ncli-a@example.org;Cli A\n') });
    expect(result).toEqual({ ok: true, lines: [`Imported 1 member into ${org.name}.`] });
    expect(await membersOf(org.id)).toEqual([{ email: 'cli-a@example.org', name: 'Cli A', role: 'member' }]);
  });

  it('prints the same all-or-nothing report, line by line, and imports nothing', async () => {
    const org = await t.given.org();
    const result = await importMembersFromFile({ db: t.db, publicUrl: TEST_ORIGIN }, { slug: org.slug, path: await file('email,name\ncli-b@example.org,B\nnope,C\n') });
    expect(result.ok).toBe(false);
    expect(result.lines).toEqual(['Nothing was imported: line 3 must be corrected.', '  line 3: "nope" is not an e-mail address']);
    expect(await membersOf(org.id)).toEqual([]);
  });

  it('says so when no organisation has the slug', async () => {
    const result = await importMembersFromFile({ db: t.db, publicUrl: TEST_ORIGIN }, { slug: 'no-such-coop', path: await file('email,name\n') });
    expect(result).toEqual({ ok: false, lines: ['No organisation with the slug no-such-coop.'] });
  });
});
