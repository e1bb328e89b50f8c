import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDatabase } from '../../test/harness.ts';
import { moneyViolations } from '../../test/invariants.ts';
import { seedDemo } from './demo.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => (database = await freshDatabase()));
afterAll(() => database.drop());

describe('the demo seed', () => {
  it('creates the demo cooperative once and a fresh sign-in link at every start', async () => {
    const seed = () => seedDemo({ db: database.db, publicUrl: 'http://localhost:3000', now: () => new Date() });
    const first = await seed();
    const second = await seed();
    expect(first?.signInUrl).toMatch(/^http:\/\/localhost:3000\/sign-in#token=/);
    expect(second?.signInUrl).not.toBe(first?.signInUrl);
    const [counts] = (await database.db.execute(sql`SELECT (SELECT count(*) FROM organisations)::int AS orgs, (SELECT count(*) FROM buckets)::int AS buckets`)).rows;
    expect(counts).toEqual({ orgs: 2, buckets: 33 });
  });

  it('gives every demo member their allowance, with money that reconciles', async () => {
    const rows = (await database.db.execute(sql`SELECT id FROM rounds`)).rows as { id: string }[];
    for (const round of rows) expect(await moneyViolations(database.db, round.id)).toEqual([]);
    const [coop] = (await database.db.execute(sql`SELECT sum(allowance_cents)::bigint AS total FROM participants p JOIN rounds r ON r.id = p.round_id WHERE r.title = 'Projets collectifs 2027'`)).rows;
    expect(coop!.total).toBe(6 * 43_000);
  });
});
