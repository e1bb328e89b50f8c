import request from 'supertest';
import { expect } from 'vitest';
import { CreatedProjectorLink } from '@cagnotte/shared';
import type { TestContext } from '../../server/test/harness.ts';
import type { Member } from '../../server/test/given.ts';
import type { rounds } from '../../server/src/db/schema.ts';
import { openFunding } from '../../server/src/features/ledger/index.ts';

export type Project = { title: string; minCents: number; maxCents: number };

/**
 * A round in funding as the board meeting finds it: named projects (open), members holding the
 * round's allowance (430.00 each), and an admin.
 */
export async function aBoardMeeting(
  t: TestContext,
  options: { title: string; projects: Project[]; members: number; round?: Partial<typeof rounds.$inferInsert> },
) {
  const admin = await t.given.admin();
  const round = await t.given.round(admin.organisationId, { phase: 'funding', title: options.title, ...options.round });
  const members: Member[] = [];
  for (let i = 0; i < options.members; i++) members.push(await t.given.member({ organisationId: admin.organisationId }));
  const buckets = [];
  for (const project of options.projects) {
    const lines = [
      { label: 'Essentiel', amountCents: project.minCents, essential: true },
      { label: 'En plus', amountCents: project.maxCents - project.minCents, essential: false },
    ].filter((line) => line.amountCents > 0);
    buckets.push(await t.given.bucket(round.id, admin, { status: 'open', title: project.title, lines }));
  }
  await t.db.transaction((tx) => openFunding(tx, round, admin.membershipId));
  return { admin, round, members, buckets };
}

/** What the admin does in the app: create a projector link, whose URL carries the secret. */
export async function createProjectorLink(t: TestContext, admin: Pick<Member, 'token'>, roundId: string): Promise<CreatedProjectorLink> {
  const res = await request(t.app.server).post(`/api/rounds/${roundId}/projector-links`).set(t.given.authFor(admin)).send({ label: 'Conseil d’administration' });
  expect(res.status).toBe(201);
  return CreatedProjectorLink.parse(res.body);
}

export async function closeRound(t: TestContext, admin: Member, roundId: string) {
  const res = await request(t.app.server).post(`/api/rounds/${roundId}/close`).set(t.given.authFor(admin)).send();
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export async function revokeLink(t: TestContext, admin: Member, linkId: string) {
  await request(t.app.server).delete(`/api/projector-links/${linkId}`).set(t.given.authFor(admin)).expect(204);
}
