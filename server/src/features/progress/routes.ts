import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BucketCompleted, CompleteBucket, DiscussionBucketParams, NewProgressUpdate, Problem, ProgressTimeline, ProgressUpdate } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { ProgressService } from './service.ts';

export const progressRoutes: FastifyPluginAsyncZod<{ progress: ProgressService; access: Access }> = async (app, { progress, access }) => {
  app.get('/api/buckets/:bucketId/progress', {
    schema: {
      operationId: 'listProgress',
      tags: ['progress'],
      summary: "A bucket's realisation timeline, newest first (any member)",
      params: DiscussionBucketParams,
      response: { 200: ProgressTimeline, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { bucket } = await access.bucket(request, request.params.bucketId);
    return progress.timeline(bucket);
  });

  app.post('/api/buckets/:bucketId/progress', {
    schema: {
      operationId: 'postProgress',
      tags: ['progress'],
      summary: 'Report progress on a funded bucket (an accepted proposer)',
      description: 'Allowed while `funded` and after `completed` (the final report); otherwise 409 `bucket_not_funded`.',
      params: DiscussionBucketParams,
      body: NewProgressUpdate,
      response: { 201: ProgressUpdate, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return reply.code(201).send(await progress.post(actor, bucket, request.body));
  });

  app.post('/api/buckets/:bucketId/complete', {
    schema: {
      operationId: 'completeBucket',
      tags: ['progress'],
      summary: 'Mark a funded bucket completed (an accepted proposer or an admin); recorded in the round’s decisions',
      description: 'Only from `funded`; otherwise 409 `bucket_not_funded` with the current `bucketStatus`.',
      params: DiscussionBucketParams,
      // The note is optional, so the body may be left out altogether.
      body: CompleteBucket.nullish(),
      response: { 200: BucketCompleted, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return progress.complete(actor, bucket, request.body?.note);
  });
};
