import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AllocationResult, Id, MyRound, Problem, SetAllocation } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { AllocationService } from './service.ts';

const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(200).optional().describe('Makes a retry harmless: the same key returns the first reply.'),
});

export const allocationRoutes: FastifyPluginAsyncZod<{ allocations: AllocationService; access: Access }> = async (app, { allocations, access }) => {
  // The hot paths: the session row is read in the route's own statement (one round trip fewer).
  app.put('/api/buckets/:bucketId/allocation', {
    config: { sessionInQuery: true },
    schema: {
      operationId: 'setAllocation',
      tags: ['allocations'],
      summary: 'Set my allocation to a project to an absolute amount (0 withdraws it)',
      description:
        'Refusals are 409 problems with a code: `round_not_funding`, `bucket_not_open`, `insufficient_allowance` (with remainingCents), `bucket_full` (with roomLeftCents), `over_bucket_cap`, `allocation_committed` (permanent rounds), `no_allowance`.',
      params: z.object({ bucketId: Id }),
      headers: IdempotencyHeaders,
      body: SetAllocation,
      response: { 200: AllocationResult, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
    },
  }, async (request, reply) => {
    const { row } = await access.firstRead(request, async (personId, check) => {
      const result = await allocations.setAllocation({
        personId,
        check,
        bucketId: request.params.bucketId,
        amountCents: request.body.amountCents,
        memberId: request.body.memberId,
        idempotencyKey: request.headers['idempotency-key'],
        requestId: request.id,
      });
      return result && { sessionLive: true, result };
    });
    // firstRead asks again without a session check when the first answer was not live.
    if (!row) throw new Error('the allocation statement returned nothing');
    // A refusal is a reply too: stored with the idempotency key, sent as the problem it was.
    if (row.result.status === 409) return reply.code(409).type('application/problem+json').send(row.result.body);
    return reply.code(200).send(row.result.body);
  });

  app.get('/api/rounds/:roundId/me', {
    config: { sessionInQuery: true },
    schema: {
      operationId: 'getMyRound',
      tags: ['allocations'],
      summary: 'My allowance, what I allocated, what remains, and my allocation per project',
      params: z.object({ roundId: Id }),
      response: { 200: MyRound, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const { roundId } = request.params;
    const { row } = await access.roundRead(request, (personId, check) => allocations.readMyRound(roundId, personId, check));
    return allocations.myRoundOf(row);
  });
};
