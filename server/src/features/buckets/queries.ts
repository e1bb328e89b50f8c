import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { fundingState, type BucketDetail, type BucketSummary, type Locale, type ProposerStatus } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { bucketProposers, buckets, costingNotes, memberships, organisations, people, rounds } from '../../db/schema.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { canSeeDraft } from './rules.ts';

export function toSummary(bucket: Bucket, nearlyFundedPercent: number): BucketSummary {
  return {
    id: bucket.id,
    roundId: bucket.roundId,
    title: bucket.title,
    summary: bucket.summary,
    tags: bucket.tags,
    imageUrl: bucket.imageUrl,
    status: bucket.status,
    minCents: bucket.minCents,
    maxCents: bucket.maxCents,
    fundedCents: bucket.fundedCents,
    funding: fundingState(bucket, nearlyFundedPercent),
    fundingVersion: bucket.fundingVersion,
    revision: bucket.revision,
    createdAt: bucket.createdAt.toISOString(),
    updatedAt: bucket.updatedAt.toISOString(),
  };
}

export async function proposerStatusOf(ex: Executor, bucketId: string, membershipId: string): Promise<ProposerStatus | null> {
  const [row] = await ex
    .select({ status: bucketProposers.status })
    .from(bucketProposers)
    .where(and(eq(bucketProposers.bucketId, bucketId), eq(bucketProposers.membershipId, membershipId)));
  return row?.status ?? null;
}

export async function isAcceptedProposer(ex: Executor, bucketId: string, membershipId: string): Promise<boolean> {
  return (await proposerStatusOf(ex, bucketId, membershipId)) === 'accepted';
}

/** Drafts of others do not exist for a member: 404, as for another organisation's data. */
export async function assertVisible(ex: Executor, actor: Actor, bucket: Bucket): Promise<void> {
  if (bucket.status !== 'draft') return;
  if (!canSeeDraft(actor.role, await proposerStatusOf(ex, bucket.id, actor.membershipId))) throw notFound('bucket');
}

export async function loadDetail(ex: Executor, bucketId: string): Promise<BucketDetail> {
  const [row] = await ex
    .select({ bucket: buckets, nearlyFundedPercent: rounds.nearlyFundedPercent })
    .from(buckets)
    .innerJoin(rounds, eq(rounds.id, buckets.roundId))
    .where(eq(buckets.id, bucketId));
  if (!row) throw notFound('bucket');
  const { bucket } = row;
  const proposers = await ex
    .select({ proposer: bucketProposers, name: memberships.name })
    .from(bucketProposers)
    .innerJoin(memberships, eq(memberships.id, bucketProposers.membershipId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(eq(bucketProposers.bucketId, bucketId))
    .orderBy(asc(bucketProposers.invitedAt), asc(bucketProposers.membershipId));
  const notes = await ex
    .select({ note: costingNotes, authorName: memberships.name })
    .from(costingNotes)
    .innerJoin(memberships, eq(memberships.id, costingNotes.authorId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(eq(costingNotes.bucketId, bucketId))
    .orderBy(asc(costingNotes.createdAt), asc(costingNotes.id));
  return {
    ...toSummary(bucket, row.nearlyFundedPercent),
    description: bucket.description,
    descriptionHtml: renderMarkdown(bucket.description),
    budgetLines: bucket.budgetLines.map((line) => ({ label: line.label, amountCents: line.amountCents, essential: line.essential })),
    proposers: proposers.map(({ proposer, name }) => ({
      membershipId: proposer.membershipId,
      name,
      status: proposer.status,
      invitedAt: proposer.invitedAt.toISOString(),
      respondedAt: proposer.respondedAt?.toISOString() ?? null,
    })),
    costingNotes: notes.map(({ note, authorName }) => ({
      id: note.id,
      authorId: note.authorId,
      authorName,
      body: note.body,
      bodyHtml: renderMarkdown(note.body),
      estimateCents: note.estimateCents,
      createdAt: note.createdAt.toISOString(),
    })),
    createdBy: bucket.createdBy,
    mergedIntoId: bucket.mergedIntoId,
    statusReason: bucket.statusReason,
  };
}

/** Reads the bucket's current status, to explain why a conditional update found no row. */
export async function currentBucket(ex: Executor, bucketId: string): Promise<Bucket> {
  const [bucket] = await ex.select().from(buckets).where(eq(buckets.id, bucketId));
  if (!bucket) throw notFound('bucket');
  return bucket;
}

export function transitionConflict(action: string, status: string, allowedFrom: readonly string[]) {
  return conflict('transition_not_allowed', `A bucket that is ${status} cannot be ${describe(action)}.`, { bucketStatus: status, allowedFrom });
}

function describe(action: string): string {
  switch (action) {
    case 'propose': return 'proposed';
    case 'withdraw': return 'withdrawn';
    case 'approve': return 'approved';
    case 'reject': return 'rejected';
    case 'request_changes': return 'sent back for changes';
    case 'merge': return 'merged';
    default: return action;
  }
}

/** Addresses of the accepted proposers (an erased person has none). */
/** Accepted proposers of the buckets with an active membership and an address, once each. */
/** With the language of the organisation, in which e-mails about its projects are written. */
export async function proposerAddresses(ex: Executor, bucketIds: string[]): Promise<{ membershipId: string; email: string; name: string; locale: Locale }[]> {
  const rows = await ex
    .selectDistinct({ membershipId: memberships.id, email: people.email, name: memberships.name, locale: organisations.locale })
    .from(bucketProposers)
    .innerJoin(memberships, eq(memberships.id, bucketProposers.membershipId))
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(inArray(bucketProposers.bucketId, bucketIds), eq(bucketProposers.status, 'accepted'), eq(memberships.active, true), isNotNull(people.email)));
  return rows.flatMap((r) => (r.email ? [{ membershipId: r.membershipId, email: r.email, name: r.name, locale: r.locale }] : []));
}
