import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Comment, CommentEdit, CommentList, CommentParams, DiscussionBucketParams, NewComment, Problem } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { CommentsService } from './service.ts';

export const commentRoutes: FastifyPluginAsyncZod<{ comments: CommentsService; access: Access }> = async (app, { comments, access }) => {
  app.get('/api/buckets/:bucketId/comments', {
    schema: {
      operationId: 'listComments',
      tags: ['comments'],
      summary: "A bucket's comments, oldest first; deleted ones stay as tombstones (any member)",
      params: DiscussionBucketParams,
      response: { 200: CommentList, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { bucket } = await access.bucket(request, request.params.bucketId);
    return comments.list(bucket);
  });

  app.post('/api/buckets/:bucketId/comments', {
    schema: {
      operationId: 'postComment',
      tags: ['comments'],
      summary: 'Ask a question or request a change (any member); the proposers are e-mailed',
      description: 'Refused with 409 `discussion_closed` on a withdrawn or rejected bucket, and `bucket_merged` on a merged one.',
      params: DiscussionBucketParams,
      body: NewComment,
      response: { 201: Comment, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return reply.code(201).send(await comments.post(actor, bucket, request.body.body));
  });

  app.patch('/api/comments/:commentId', {
    schema: {
      operationId: 'editComment',
      tags: ['comments'],
      summary: 'Rewrite a comment (its author only); sets `editedAt`',
      params: CommentParams,
      body: CommentEdit,
      response: { 200: Comment, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    access.person(request);
    const { actor, bucket } = await access.bucket(request, await comments.bucketOf(request.params.commentId));
    return comments.edit(actor, bucket, request.params.commentId, request.body.body);
  });

  app.delete('/api/comments/:commentId', {
    schema: {
      operationId: 'deleteComment',
      tags: ['comments'],
      summary: 'Delete a comment (its author, or an admin or reviewer moderating); a tombstone stays',
      params: CommentParams,
      response: { 204: z.null(), 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request, reply) => {
    access.person(request);
    const { actor } = await access.bucket(request, await comments.bucketOf(request.params.commentId));
    await comments.remove(actor, request.params.commentId);
    return reply.code(204).send(null);
  });
};
