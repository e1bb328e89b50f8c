import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BucketDetail,
  BucketEdit,
  BucketIdParams,
  BucketList,
  BucketListQuery,
  BucketReasonBody,
  BucketRevisionList,
  BucketRoundParams,
  MyBucketList,
  NewBucket,
  Problem,
} from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import { proposerRoutes } from './proposer-routes.ts';
import { reviewRoutes } from './review-routes.ts';
import type { BucketServices } from './service.ts';

const tags = ['buckets'];

export const bucketRoutes: FastifyPluginAsyncZod<{ buckets: BucketServices; access: Access }> = async (app, { buckets, access }) => {
  const { proposing, editing } = buckets;

  app.post('/api/rounds/:roundId/buckets', {
    schema: {
      operationId: 'createBucket',
      tags,
      summary: 'Propose a project: it starts as a draft carried by its author',
      description:
        'Any active member, while the round takes proposals (its proposal phase; a permanent round also while funding), else 409 `round_not_accepting_proposals`. ' +
        'The minimum is the sum of the essential budget lines, the maximum the sum of all lines.',
      params: BucketRoundParams,
      body: NewBucket,
      response: { 201: BucketDetail, 400: Problem, 401: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor } = await access.round(request, request.params.roundId);
    return reply.code(201).send(await proposing.create(actor, request.params.roundId, request.body));
  });

  app.get('/api/rounds/:roundId/buckets', {
    schema: {
      operationId: 'listBuckets',
      tags,
      summary: "The round's projects; drafts only for their proposers and for reviewers and admins",
      params: BucketRoundParams,
      querystring: BucketListQuery,
      response: { 200: BucketList, 400: Problem, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId);
    return proposing.list(actor, round, request.query.status);
  });

  app.get('/api/me/buckets', {
    schema: {
      operationId: 'listMyBuckets',
      tags,
      summary: 'The projects I carry or am invited to carry, in every round of my organisations, latest change first',
      response: { 200: MyBucketList, 401: Problem, 403: Problem },
    },
  }, async (request) => buckets.mine.list(access.person(request)));

  app.get('/api/buckets/:bucketId', {
    schema: {
      operationId: 'getBucket',
      tags,
      summary: 'A project in full: budget lines, funding state, proposers, costing notes',
      params: BucketIdParams,
      response: { 200: BucketDetail, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return proposing.get(actor, bucket);
  });

  app.patch('/api/buckets/:bucketId', {
    schema: {
      operationId: 'editBucket',
      tags,
      summary: 'Edit a project (accepted proposers), from the revision the editor started from',
      description:
        'A stale `revision` is a 409 `version_conflict` with `currentRevision`. Text may be edited while the bucket is draft, proposed or open; ' +
        'the budget lines only until it opens (409 `budget_frozen`); other statuses are 409 `bucket_not_editable`. Each edit that changes something ' +
        'increments the revision and is recorded with what changed.',
      params: BucketIdParams,
      body: BucketEdit,
      response: { 200: BucketDetail, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return editing.edit(actor, bucket, request.body);
  });

  app.get('/api/buckets/:bucketId/revisions', {
    schema: {
      operationId: 'listBucketRevisions',
      tags,
      summary: "A project's edit history: who changed which fields, from what to what",
      params: BucketIdParams,
      response: { 200: BucketRevisionList, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return editing.revisions(actor, bucket);
  });

  app.post('/api/buckets/:bucketId/propose', {
    schema: {
      operationId: 'proposeBucket',
      tags,
      summary: 'Submit a draft (accepted proposers): proposed, or open at once in a permanent round needing no approval',
      description: 'Needs the round\'s minimum of accepted proposers (409 `not_enough_proposers` with `needed` and `accepted`).',
      params: BucketIdParams,
      response: { 200: BucketDetail, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return proposing.propose(actor, bucket);
  });

  app.post('/api/buckets/:bucketId/withdraw', {
    schema: {
      operationId: 'withdrawBucket',
      tags,
      summary: 'Withdraw a project (its proposers or an admin); money already in it goes back to the members',
      params: BucketIdParams,
      body: BucketReasonBody,
      response: { 200: BucketDetail, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return proposing.withdraw(actor, bucket, request.body.reason);
  });

  await app.register(proposerRoutes, { proposers: buckets.proposers, access });
  await app.register(reviewRoutes, { review: buckets.review, merge: buckets.merge, access });
};
