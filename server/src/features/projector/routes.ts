import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreatedProjectorLink, LiveRoundParams, NewProjectorLink, OpenProjectorSession, Problem, ProjectorLink, ProjectorLinkParams, ProjectorSessionOpened } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import { PROJECTOR_COOKIE } from '../../http/auth-plugin.ts';
import type { ProjectorService } from './service.ts';

export const projectorRoutes: FastifyPluginAsyncZod<{
  projector: ProjectorService;
  access: Access;
  secureCookies: boolean;
  openPerMinute: number;
}> = async (app, { projector, access, secureCookies, openPerMinute }) => {
  app.post('/api/rounds/:roundId/projector-links', {
    schema: {
      operationId: 'createProjectorLink',
      tags: ['projector'],
      summary: 'Create a projector link for the round (admin); its URL, with the secret, is shown only now',
      params: LiveRoundParams,
      body: NewProjectorLink,
      response: { 201: CreatedProjectorLink, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request, reply) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return reply.code(201).send(await projector.create(round.id, actor.membershipId, request.body.label));
  });

  app.get('/api/rounds/:roundId/projector-links', {
    schema: {
      operationId: 'listProjectorLinks',
      tags: ['projector'],
      summary: 'The round’s projector links, newest first, without their secrets (admin)',
      params: LiveRoundParams,
      response: { 200: z.array(ProjectorLink), 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, ['admin']);
    return projector.list(round.id);
  });

  app.delete('/api/projector-links/:id', {
    schema: {
      operationId: 'revokeProjectorLink',
      tags: ['projector'],
      summary: 'Revoke a projector link (admin): its sessions end and its live sockets close at once',
      params: ProjectorLinkParams,
      response: { 204: z.null(), 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request, reply) => {
    const roundId = await projector.roundOf(request.params.id);
    await access.round(request, roundId, ['admin']);
    await projector.revoke(request.params.id);
    return reply.code(204).send(null);
  });

  app.post('/api/projector/session', {
    config: { rateLimit: { max: openPerMinute, timeWindow: '1 minute' } },
    schema: {
      operationId: 'openProjectorSession',
      tags: ['projector'],
      summary: 'Exchange a projector link’s secret for a read-only session on its round (cookie, and the token for scripts)',
      security: [],
      body: OpenProjectorSession,
      response: { 201: ProjectorSessionOpened, 400: Problem, 401: Problem, 429: Problem },
    },
  }, async (request, reply) => {
    const { expiresAtDate, ...opened } = await projector.openSession(request.body.linkId, request.body.secret);
    reply.setCookie(PROJECTOR_COOKIE, opened.token, { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/', expires: expiresAtDate });
    return reply.code(201).send(opened);
  });
};
