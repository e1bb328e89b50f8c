import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { count, eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { memberships } from '../../db/schema.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

describe('a large import', () => {
  it('imports 25,000 members at once, beyond the parameters one statement can hold', async () => {
    const admin = await t.given.admin();
    const lines = Array.from({ length: 25_000 }, (_, i) => `m${i}@example.org,Member ${i}`);
    const csv = `email,name\n${lines.join('\n')}\n`;
    expect(csv.length).toBeLessThan(1024 * 1024);
    const res = await request(t.app.server).post(`/api/orgs/${admin.organisationId}/members/import`).set(t.given.authFor(admin)).set('content-type', 'text/csv').send(csv);
    expect(res.body).toEqual({ imported: 25_000, errors: [] });
    const [row] = await t.db.select({ n: count() }).from(memberships).where(eq(memberships.organisationId, admin.organisationId));
    expect(row?.n).toBe(25_001);
  }, 120_000);
});
