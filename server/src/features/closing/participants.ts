import type { Executor } from '../../db/client.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { returnParticipantAllocations, lockRoundExclusive } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import { participantActive, roundPhase } from './queries.ts';

/**
 * A deactivated member's allocations stay where they are until an admin sends them back. Only
 * while the round is funding (after the close, only settlement moves money); in a permanent round
 * money in a project that reached its minimum or ended its funding is committed and stays.
 */
export async function returnMemberAllocations(
  tx: Executor,
  input: { roundId: string; membershipId: string; actorId: string; reason: string },
): Promise<{ bucketIds: string[]; returnedCents: number }> {
  const { roundId, membershipId } = input;
  await lockRoundExclusive(tx, roundId);
  const round = await roundPhase(tx, roundId);
  if (!round) throw notFound('round');
  if (round.phase !== 'funding') throw conflict('round_not_funding', `Allocations can be returned only while the round is funding; it is ${round.phase}.`, { phase: round.phase });
  const participant = await participantActive(tx, roundId, membershipId);
  if (!participant) throw notFound('participant');
  if (participant.active) throw conflict('member_active', 'An active member changes their own allocations; deactivate the membership first.');

  const result = await returnParticipantAllocations(tx, {
    roundId,
    membershipId,
    enteredBy: input.actorId,
    reason: input.reason,
  });
  await recordDecision(tx, {
    roundId,
    kind: 'allocations_returned',
    actorId: input.actorId,
    reason: input.reason,
    data: { membershipId, returnedCents: result.returnedCents, bucketIds: result.bucketIds },
  });
  return result;
}
