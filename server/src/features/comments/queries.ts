import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { bucketProposers, memberships, people } from '../../db/schema.ts';

/** Accepted proposers of a bucket whose membership is still active, with where to write to them. */
export async function acceptedProposers(ex: Executor, bucketId: string): Promise<{ membershipId: string; name: string; email: string | null }[]> {
  return ex
    .select({ membershipId: memberships.id, name: people.name, email: people.email })
    .from(bucketProposers)
    .innerJoin(memberships, eq(memberships.id, bucketProposers.membershipId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(bucketProposers.bucketId, bucketId), eq(bucketProposers.status, 'accepted'), eq(memberships.active, true)));
}

/** Invited or declined proposers do not count: only those who accepted carry the bucket. */
export async function isAcceptedProposer(ex: Executor, bucketId: string, membershipId: string): Promise<boolean> {
  const [row] = await ex
    .select({ membershipId: bucketProposers.membershipId })
    .from(bucketProposers)
    .where(and(eq(bucketProposers.bucketId, bucketId), eq(bucketProposers.membershipId, membershipId), eq(bucketProposers.status, 'accepted')));
  return row !== undefined;
}

