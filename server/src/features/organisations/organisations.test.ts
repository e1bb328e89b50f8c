import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { CreateOrg } from '@cagnotte/shared';
import { memberships, organisations, people } from '../../db/schema.ts';
import { makeOrganisationsService } from './service.ts';
import { testApp, type TestContext } from '../../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

describe('reading an organisation', () => {
  it('shows any active member its settings and their own role', async () => {
    const member = await t.given.member({ role: 'reviewer' });
    const res = await api().get(`/api/orgs/${member.organisationId}`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: member.organisationId, currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris', myRole: 'reviewer', myMembershipId: member.membershipId });
    expect(res.body.slug).toMatch(/^coop-/);
  });

  it('is a 404 for someone of another organisation', async () => {
    const member = await t.given.member();
    const stranger = await t.given.member();
    const res = await api().get(`/api/orgs/${member.organisationId}`).set(t.given.authFor(stranger));
    expect(res.status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const member = await t.given.member();
    expect((await api().get(`/api/orgs/${member.organisationId}`)).status).toBe(401);
  });

  it('names the parameter when the id is not a uuid', async () => {
    const member = await t.given.member();
    const res = await api().get('/api/orgs/not-a-uuid').set(t.given.authFor(member));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('params.orgId');
  });
});

describe('changing an organisation', () => {
  it('lets an admin change its name, currency, language and time zone', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .patch(`/api/orgs/${admin.organisationId}`)
      .set(t.given.authFor(admin))
      .send({ name: 'Coop Renamed', currency: 'CHF', locale: 'en', timeZone: 'America/Toronto' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Coop Renamed', currency: 'CHF', locale: 'en', timeZone: 'America/Toronto', myRole: 'admin' });
    const again = await api().get(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin));
    expect(again.body.name).toBe('Coop Renamed');
  });

  it('changes only the fields sent', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin)).send({ locale: 'en' });
    expect(res.body).toMatchObject({ locale: 'en', currency: 'EUR', timeZone: 'Europe/Paris' });
  });

  it('accepts UTC as a time zone', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin)).send({ timeZone: 'UTC' });
    expect(res.status).toBe(200);
  });

  it('refuses an unknown time zone, naming the field', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin)).send({ timeZone: 'Mars/Olympus_Mons' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.timeZone');
  });

  it('refuses a currency that is not an ISO 4217 code, naming the field', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin)).send({ currency: 'eur' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.currency');
  });

  it('refuses a language other than fr or en, and an empty name', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin)).send({ locale: 'de', name: ' ' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.locale', 'body.name']);
  });

  it('is forbidden to a member who is not an admin', async () => {
    const member = await t.given.member({ role: 'accountant' });
    const res = await api().patch(`/api/orgs/${member.organisationId}`).set(t.given.authFor(member)).send({ name: 'Mine' });
    expect(res.status).toBe(403);
  });

  it('is a 404 for an admin of another organisation', async () => {
    const member = await t.given.member();
    const otherAdmin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${member.organisationId}`).set(t.given.authFor(otherAdmin)).send({ name: 'Taken over' });
    expect(res.status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const member = await t.given.member();
    expect((await api().patch(`/api/orgs/${member.organisationId}`).send({ name: 'X' })).status).toBe(401);
  });
});

describe('creating an organisation (the first run and the operator CLI)', () => {
  const service = () => makeOrganisationsService({ db: t.db });
  const input = (name: string, email: string, slug?: string) =>
    CreateOrg.parse({ organisation: { name, slug }, admin: { name: 'First Admin', email } });

  it('creates it with the defaults, a slug from its name and its first admin', async () => {
    const email = `first-${randomUUID()}@example.org`;
    const created = await service().create(input(`Jardins ${randomUUID().slice(0, 8)} d'été`, email));
    const [org] = await t.db.select().from(organisations).where(eq(organisations.id, created.organisationId));
    expect(org).toMatchObject({ currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' });
    expect(created.slug).toMatch(/^jardins-[0-9a-f]{8}-d-ete$/);
    const [membership] = await t.db.select().from(memberships).where(eq(memberships.id, created.membershipId));
    expect(membership).toMatchObject({ organisationId: created.organisationId, personId: created.personId, role: 'admin', active: true });
  });

  it('makes the admin of an existing person with that e-mail, whatever its case', async () => {
    const member = await t.given.member({ email: `known-${randomUUID()}@example.org` });
    const created = await service().create(input(`Second ${randomUUID()}`, member.email.toUpperCase()));
    expect(created.personId).toBe(member.personId);
  });

  it('numbers a slug made from a name already taken', async () => {
    const name = `Twin ${randomUUID().slice(0, 8)}`;
    const first = await service().create(input(name, `a-${randomUUID()}@example.org`));
    const second = await service().create(input(name, `b-${randomUUID()}@example.org`));
    expect(second.slug).toBe(`${first.slug}-2`);
  });

  it('refuses a slug asked for and taken, creating nothing', async () => {
    const existing = await t.given.org();
    const email = `c-${randomUUID()}@example.org`;
    await expect(service().create(input('Other', email, existing.slug))).rejects.toMatchObject({ status: 409, code: 'slug_taken' });
    expect(await t.db.select().from(people).where(eq(people.email, email))).toEqual([]);
  });

  it('leaves nothing behind when the admin cannot be made', async () => {
    const slug = `half-${randomUUID().slice(0, 8)}`;
    // Only by going round the schema: the person's NOT NULL name fails after the organisation is inserted.
    const broken = { organisation: { name: 'Half', slug, currency: 'EUR', locale: 'fr', timeZone: 'UTC' }, admin: { name: null as unknown as string, email: `d-${randomUUID()}@example.org` } } as const;
    await expect(service().create(broken)).rejects.toThrow();
    expect(await t.db.select().from(organisations).where(eq(organisations.slug, slug))).toEqual([]);
  });
});
