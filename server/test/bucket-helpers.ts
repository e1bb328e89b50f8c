import request from 'supertest';
import { and, eq, sql } from 'drizzle-orm';
import type { TestContext } from './harness.ts';
import type { Member } from './given.ts';
import { bucketProposers, decisions } from '../src/db/schema.ts';

/** What the bucket tests share: calls as a given member, and the rows they check. */
export function bucketHelpers(t: () => TestContext) {
  const as = (member: Member | null) => {
    const auth = member ? t().given.authFor(member) : {};
    return {
      get: (path: string) => request(t().app.server).get(path).set(auth),
      post: (path: string, body?: object) => {
        const req = request(t().app.server).post(path).set(auth);
        return body === undefined ? req : req.send(body);
      },
      patch: (path: string, body: object) => request(t().app.server).patch(path).set(auth).send(body),
      /** Puts money into an open bucket (the allocations feature), expecting success. */
      allocate: (bucketId: string, amountCents: number) => {
        if (!member) throw new Error('only a member allocates');
        return t().allocate(member, bucketId, amountCents).expect(200);
      },
      delete: (path: string) => request(t().app.server).delete(path).set(auth),
    };
  };

  return {
    as,
    anonymous: as(null),

    /** Adds members as proposers of a bucket with the given status, bypassing invitations. */
    async addProposers(bucketId: string, members: Member[], status: 'invited' | 'accepted' | 'declined' = 'accepted') {
      for (const member of members) await t().db.insert(bucketProposers).values({ bucketId, membershipId: member.membershipId, status });
    },

    async decisionsOf(bucketId: string) {
      return t().db.select().from(decisions).where(eq(decisions.bucketId, bucketId)).orderBy(decisions.createdAt);
    },

    async proposerRow(bucketId: string, membershipId: string) {
      const [row] = await t().db.select().from(bucketProposers).where(and(eq(bucketProposers.bucketId, bucketId), eq(bucketProposers.membershipId, membershipId)));
      return row;
    },

    /** E-mails queued since the last call, once the outbox is drained. */
    async mailsTo(email: string) {
      await t().app.jobs.drainMail();
      return t().mail.sent.filter((m) => m.to === email);
    },

    async ledger(bucketId: string, kind: string) {
      return (await t().db.execute(sql`SELECT * FROM ledger WHERE bucket_id = ${bucketId} AND kind = ${kind} ORDER BY id`)).rows;
    },
  };
}

export const lines = {
  essential: (amountCents = 100_000, label = 'Oven') => ({ label, amountCents, essential: true }),
  optional: (amountCents = 50_000, label = 'Shelves') => ({ label, amountCents, essential: false }),
};

export const newBucket = (overrides: Record<string, unknown> = {}) => ({
  title: 'A shared bread oven',
  summary: 'An oven for the whole street',
  description: 'We **bake** together.',
  tags: ['food', 'neighbours'],
  budgetLines: [lines.essential(), lines.optional()],
  ...overrides,
});
