import { eq } from 'drizzle-orm';
import type { Round as RoundReply } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { organisations, rounds } from '../../db/schema.ts';
import type { Round } from '../../domain/model.ts';
import { notFound } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toRoundReply(round: Round): RoundReply {
  return {
    id: round.id,
    organisationId: round.organisationId,
    title: round.title,
    description: round.description,
    descriptionHtml: renderMarkdown(round.description),
    currency: round.currency,
    kind: round.kind,
    phase: round.phase,
    defaultAllowanceCents: round.defaultAllowanceCents,
    perBucketCapCents: round.perBucketCapCents,
    minCoProposers: round.minCoProposers,
    approvalRequired: round.approvalRequired,
    nearlyFundedPercent: round.nearlyFundedPercent,
    shortfallRule: round.shortfallRule,
    allowanceHolders: round.allowanceHolders,
    contributorsVisible: round.contributorsVisible,
    proposalsOpenAt: iso(round.proposalsOpenAt),
    fundingOpensAt: iso(round.fundingOpensAt),
    closesAt: iso(round.closesAt),
    presentationAt: iso(round.presentationAt),
    boardMeetingAt: iso(round.boardMeetingAt),
    closedAt: iso(round.closedAt),
    createdAt: round.createdAt.toISOString(),
    updatedAt: round.updatedAt.toISOString(),
  };
}

export async function organisationOf(tx: Executor, organisationId: string) {
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, organisationId));
  if (!org) throw notFound('organisation');
  return org;
}

/** The round row locked until the transaction ends: phase changes and edits take turns. */
export async function lockRound(tx: Executor, roundId: string): Promise<Round> {
  const [round] = await tx.select().from(rounds).where(eq(rounds.id, roundId)).for('update');
  if (!round) throw notFound('round');
  return round;
}
