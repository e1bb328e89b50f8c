import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BucketDetail,
  BucketIdParams,
  BucketOptionalReasonBody,
  BucketReasonBody,
  CostingNote,
  MergeBucket,
  NewCostingNote,
  Problem,
} from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { MergeService } from './merge.ts';
import type { ReviewService } from './review.ts';

const tags = ['buckets', 'review'];
const STAFF = ['reviewer', 'admin'] as const;
const responses = { 200: BucketDetail, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

export const reviewRoutes: FastifyPluginAsyncZod<{ review: ReviewService; merge: MergeService; access: Access }> = async (app, { review, merge, access }) => {
  app.post('/api/buckets/:bucketId/approve', {
    schema: {
      operationId: 'approveBucket',
      tags,
      summary: 'Approve a proposed project for funding (reviewers, admins); its proposers are e-mailed',
      description: 'Only in rounds that require approval (else 409 `approval_not_required`).',
      params: BucketIdParams,
      body: BucketOptionalReasonBody.nullish(),
      response: responses,
    },
  }, async (request) => {
    const { actor, round, bucket } = await access.bucket(request, request.params.bucketId, STAFF);
    return review.approve(actor, round, bucket, request.body?.reason);
  });

  app.post('/api/buckets/:bucketId/reject', {
    schema: {
      operationId: 'rejectBucket',
      tags,
      summary: 'Reject a proposed or open project with a reason (reviewers, admins); money in it goes back to the members',
      params: BucketIdParams,
      body: BucketReasonBody,
      response: responses,
    },
  }, async (request) => {
    const { actor, round, bucket } = await access.bucket(request, request.params.bucketId, STAFF);
    return review.reject(actor, round, bucket, request.body.reason);
  });

  app.post('/api/buckets/:bucketId/request-changes', {
    schema: {
      operationId: 'requestBucketChanges',
      tags,
      summary: 'Send a proposed project back to draft with the changes wanted (reviewers, admins)',
      params: BucketIdParams,
      body: BucketReasonBody,
      response: responses,
    },
  }, async (request) => {
    const { actor, round, bucket } = await access.bucket(request, request.params.bucketId, STAFF);
    return review.requestChanges(actor, round, bucket, request.body.reason);
  });

  app.post('/api/buckets/:bucketId/costing-notes', {
    schema: {
      operationId: 'addCostingNote',
      tags,
      summary: "Add a reviewer's costing note, with an optional estimate (reviewers, admins)",
      params: BucketIdParams,
      body: NewCostingNote,
      response: { 201: CostingNote, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request, reply) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId, STAFF);
    return reply.code(201).send(await review.addCostingNote(actor, bucket, request.body));
  });

  app.post('/api/buckets/:bucketId/merge', {
    schema: {
      operationId: 'mergeBucket',
      tags,
      summary: 'Merge this project into a similar one of the same round, before any money is in it (reviewers, admins)',
      description:
        'The source becomes `merged` with `mergedIntoId`; its accepted proposers become accepted proposers of the target and its comments move there. ' +
        'Refusals: `different_rounds`, `too_late_to_merge`, `merge_target_not_active`, `bucket_has_funds`, `merge_into_itself`, `transition_not_allowed`.',
      params: BucketIdParams,
      body: MergeBucket,
      response: responses,
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId, STAFF);
    return merge.merge(actor, bucket, request.body.intoBucketId, request.body.reason);
  });
};
