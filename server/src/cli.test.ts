import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { execPath } from 'node:process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { CreateOrg } from '@cagnotte/shared';
import { memberships, organisations, people } from './db/schema.ts';
import { makeOrganisationsService } from './features/organisations/service.ts';
import { freshDatabase } from '../test/harness.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
type Database = Awaited<ReturnType<typeof freshDatabase>>;

// An instance of its own for each test: the first run depends on having no organisation.
const opened: Database[] = [];
afterEach(async () => {
  for (const database of opened.splice(0)) await database.drop();
});
async function emptyInstance(): Promise<Database> {
  const database = await freshDatabase();
  opened.push(database);
  return database;
}

/** The operator's command, run as they run it, on the given database. */
async function cli(database: Database, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  // Only what the CLI reads: nothing of this process's environment leaks into the test.
  const env = { DATABASE_URL: database.url, SESSION_SECRET: 'cli-test-secret-cli-test-secret-!!', PUBLIC_URL: 'https://cagnotte.example' };
  const tsx = path.join(serverDir, '../node_modules/tsx/dist/cli.mjs');
  try {
    const { stdout, stderr } = await promisify(execFile)(execPath, [tsx, 'src/cli.ts', ...args], { cwd: serverDir, env });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

describe('the operator CLI', () => {
  it('prints a first-run link while there is no organisation', async () => {
    const res = await cli(await emptyInstance(), 'setup-link');
    expect(res.code).toBe(0);
    expect(res.out.trim()).toMatch(/^https:\/\/cagnotte\.example\/setup#token=[\w-]{43}$/);
  });

  it('creates an organisation with its first admin through the organisations service, then refuses a setup link', async () => {
    const database = await emptyInstance();
    const res = await cli(database, 'create-org', '--name', 'Coopérative du Port', '--admin-email', 'Ada@Example.org', '--admin-name', 'Ada', '--locale', 'en');
    expect(res.code).toBe(0);
    expect(res.out).toContain('cooperative-du-port');
    const [org] = await database.db.select().from(organisations).where(eq(organisations.slug, 'cooperative-du-port'));
    expect(org).toMatchObject({ name: 'Coopérative du Port', locale: 'en', currency: 'EUR', timeZone: 'Europe/Paris' });
    const [admin] = await database.db
      .select({ role: memberships.role, email: people.email })
      .from(memberships)
      .innerJoin(people, eq(people.id, memberships.personId))
      .where(eq(memberships.organisationId, org?.id ?? ''));
    expect(admin).toEqual({ role: 'admin', email: 'ada@example.org' });
    const again = await cli(database, 'setup-link');
    expect(again.code).toBe(1);
    expect(again.err).toContain('already has an organisation');
  });

  it('names each wrong option by its flag', async () => {
    const res = await cli(await emptyInstance(), 'create-org', '--name', 'X', '--admin-email', 'nope', '--time-zone', 'Mars/Base');
    expect(res.code).toBe(1);
    expect(res.err).toContain('--admin-email');
    expect(res.err).toContain('--admin-name');
    expect(res.err).toContain('--time-zone');
  });

  it('prints a sign-in link and a session token for a member, through the auth service', async () => {
    const database = await emptyInstance();
    await makeOrganisationsService({ db: database.db }).create(CreateOrg.parse({ organisation: { name: 'Coop' }, admin: { email: 'ada@example.org', name: 'Ada' } }));
    const link = await cli(database, 'sign-in-link', 'Ada@Example.org');
    expect(link.code).toBe(0);
    expect(link.out.trim()).toMatch(/^https:\/\/cagnotte\.example\/sign-in#token=[\w-]{43}$/);
    const token = await cli(database, 'session-token', 'ada@example.org');
    expect(token.code).toBe(0);
    expect(token.out.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('refuses a session token to someone unknown or without an active membership', async () => {
    const database = await emptyInstance();
    await makeOrganisationsService({ db: database.db }).create(CreateOrg.parse({ organisation: { name: 'Coop' }, admin: { email: 'ada@example.org', name: 'Ada' } }));
    const unknown = await cli(database, 'session-token', 'nobody@example.org');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No person with the e-mail nobody@example.org');
    await database.db.update(memberships).set({ active: false, deactivatedAt: new Date() });
    const inactive = await cli(database, 'session-token', 'ada@example.org');
    expect(inactive.code).toBe(1);
    expect(inactive.err).toContain('ada@example.org has no active membership');
  });
});
