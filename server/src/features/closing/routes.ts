import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BoardDecision,
  ClosingBucketParams,
  ClosingRoundParams,
  EndFunding,
  ParticipantParams,
  Problem,
  ReturnAllocations,
  ReturnedAllocations,
  RoundResults,
  SettledBucket,
} from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { ClosingService } from './service.ts';

export const closingRoutes: FastifyPluginAsyncZod<{ closing: ClosingService; access: Access }> = async (app, { closing, access }) => {
  app.post('/api/rounds/:roundId/close', {
    schema: {
      operationId: 'closeRound',
      tags: ['closing'],
      summary: 'Close a one-off round now and settle its projects (admin); the reply is its results',
      description:
        'Allocations in flight land first and count. Projects that reached their minimum are funded; the others follow the round’s shortfall rule (money returned, or left to the board). Refusals: 409 `round_not_funding`, `permanent_round`.',
      params: ClosingRoundParams,
      response: { 200: RoundResults, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return closing.close(actor, round);
  });

  app.post('/api/buckets/:bucketId/board-decision', {
    schema: {
      operationId: 'decideOnShortfall',
      tags: ['closing'],
      summary: 'The board accepts a project that missed its minimum, or returns its money (admin)',
      description: 'Only for a project `awaiting_board` (else 409 `bucket_not_awaiting_board`). `accept` funds it with what it got; `return` sends its money back to its members.',
      params: ClosingBucketParams,
      body: BoardDecision,
      response: { 200: SettledBucket, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId, ['admin']);
    return closing.boardDecision(actor, bucket, request.body);
  });

  app.post('/api/buckets/:bucketId/end-funding', {
    schema: {
      operationId: 'endFunding',
      tags: ['closing'],
      summary: 'End the funding of a project of a permanent round that reached its minimum (its proposers or an admin)',
      description: 'Refusals: 409 `minimum_not_reached` (with missingToMinimumCents), `bucket_not_open`, `not_permanent_round`, `round_not_funding`.',
      params: ClosingBucketParams,
      body: EndFunding,
      response: { 200: SettledBucket, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, round, bucket } = await access.bucket(request, request.params.bucketId);
    return closing.endFunding(actor, round, bucket, request.body.reason ?? null);
  });

  app.post('/api/rounds/:roundId/participants/:membershipId/return-allocations', {
    schema: {
      operationId: 'returnMemberAllocations',
      tags: ['closing'],
      summary: 'Send a deactivated member’s allocations back to their allowance (admin, round in funding)',
      description:
        'Refusals: 409 `round_not_funding`, `member_active`. In a permanent round, money in a project that reached its minimum or ended its funding is committed and stays.',
      params: ParticipantParams,
      body: ReturnAllocations,
      response: { 200: ReturnedAllocations, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return closing.returnAllocations(actor, round, request.params.membershipId, request.body.reason);
  });
};
