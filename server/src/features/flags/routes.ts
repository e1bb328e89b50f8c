import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BucketFlags, CriterionFlag, DiscussionBucketParams, FlagAnswer, FlagParams, NewCriterionFlag, NewFlagAnswer, Problem, RoundFlags, RoundFlagsParams, RoundFlagsQuery } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { FlagsService } from './service.ts';

export const flagRoutes: FastifyPluginAsyncZod<{ flags: FlagsService; access: Access }> = async (app, { flags, access }) => {
  app.get('/api/buckets/:bucketId/flags', {
    schema: {
      operationId: 'listFlags',
      tags: ['flags'],
      summary: "A bucket's flags against the round's criteria: all of them for its proposers and staff, counts and one's own for others",
      params: DiscussionBucketParams,
      response: { 200: BucketFlags, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return flags.list(actor, bucket);
  });

  app.get('/api/rounds/:roundId/flags', {
    schema: {
      operationId: 'listRoundFlags',
      tags: ['flags'],
      summary: "A round's flags in one read, bucket by bucket (the review queue's overview), each bucket with the visibility its own list has",
      description: '`state=open` (the default) keeps the buckets whose discussion is open, where flags can still be answered; `state=all` every bucket.',
      params: RoundFlagsParams,
      querystring: RoundFlagsQuery,
      response: { 200: RoundFlags, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId);
    return flags.listRound(actor, round, request.query.state);
  });

  app.post('/api/buckets/:bucketId/flags', {
    schema: {
      operationId: 'raiseFlag',
      tags: ['flags'],
      summary: 'Flag a bucket as not meeting one of its round’s criteria, saying why (any member, once per criterion)',
      description: '400 `criterion_not_in_round` when the criterion is not in the bucket’s round; 409 `already_flagged`, `discussion_closed`, `bucket_merged`.',
      params: DiscussionBucketParams,
      body: NewCriterionFlag,
      response: { 201: CriterionFlag, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return reply.code(201).send(await flags.raise(actor, bucket, request.body));
  });

  app.delete('/api/flags/:flagId', {
    schema: {
      operationId: 'withdrawFlag',
      tags: ['flags'],
      summary: 'Withdraw a flag (its author only), with its answers',
      params: FlagParams,
      response: { 204: z.null(), 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request, reply) => {
    access.person(request);
    const { actor } = await access.bucket(request, await flags.bucketOf(request.params.flagId));
    await flags.withdraw(actor, request.params.flagId);
    return reply.code(204).send(null);
  });

  app.post('/api/flags/:flagId/answers', {
    schema: {
      operationId: 'answerFlag',
      tags: ['flags'],
      summary: "Answer a flag (an accepted proposer of the bucket, a reviewer or an admin)",
      params: FlagParams,
      body: NewFlagAnswer,
      response: { 201: FlagAnswer, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    access.person(request);
    const { actor, bucket } = await access.bucket(request, await flags.bucketOf(request.params.flagId));
    return reply.code(201).send(await flags.answer(actor, bucket, request.params.flagId, request.body.body));
  });
};
