import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BucketDetail, BucketIdParams, BucketProposerParams, InviteProposer, Problem } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { ProposersService } from './proposers.ts';

const tags = ['buckets'];

export const proposerRoutes: FastifyPluginAsyncZod<{ proposers: ProposersService; access: Access }> = async (app, { proposers, access }) => {
  app.post('/api/buckets/:bucketId/proposers', {
    schema: {
      operationId: 'inviteCoProposer',
      tags,
      summary: 'Invite a co-proposer by e-mail (accepted proposers); they are e-mailed',
      description:
        'The invitee must be an active member of the same organisation, else 404 `invitee_not_member`. ' +
        'Someone already invited or accepted: 409 `already_proposer`; a declined invitation is renewed.',
      params: BucketIdParams,
      body: InviteProposer,
      response: { 201: BucketDetail, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor, round, bucket } = await access.bucket(request, request.params.bucketId);
    return reply.code(201).send(await proposers.invite(actor, round, bucket, request.body.email));
  });

  app.post('/api/buckets/:bucketId/proposers/accept', {
    schema: {
      operationId: 'acceptCoProposerInvitation',
      tags,
      summary: 'Accept my invitation to carry this project',
      params: BucketIdParams,
      response: { 200: BucketDetail, 401: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    return proposers.accept(actor, bucket);
  });

  app.post('/api/buckets/:bucketId/proposers/decline', {
    schema: {
      operationId: 'declineCoProposerInvitation',
      tags,
      summary: 'Decline my invitation to carry this project',
      params: BucketIdParams,
      response: { 204: z.null(), 401: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    await proposers.decline(actor, bucket);
    return reply.code(204).send(null);
  });

  app.delete('/api/buckets/:bucketId/proposers/:membershipId', {
    schema: {
      operationId: 'removeCoProposer',
      tags,
      summary: 'Leave a project, or withdraw an invitation (accepted proposers); the last accepted proposer cannot leave',
      params: BucketProposerParams,
      response: { 204: z.null(), 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor, bucket } = await access.bucket(request, request.params.bucketId);
    await proposers.remove(actor, bucket, request.params.membershipId);
    return reply.code(204).send(null);
  });
};
