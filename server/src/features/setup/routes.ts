import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem, SETUP_TOKEN_HEADER, SessionOpened, SetupRequest, SetupStatus } from '@cagnotte/shared';
import { sendSession } from '../auth/routes.ts';
import type { SetupService } from './service.ts';

export const setupRoutes: FastifyPluginAsyncZod<{ setup: SetupService; secureCookies: boolean; perMinute: number }> = async (
  app,
  { setup, secureCookies, perMinute },
) => {
  const rateLimit = { max: perMinute, timeWindow: '1 minute' };

  app.get('/api/setup', {
    config: { rateLimit },
    schema: {
      operationId: 'getSetupStatus',
      tags: ['setup'],
      summary: 'Whether the first-run form can be used with this setup link (token in the x-setup-token header, never in the URL)',
      security: [],
      headers: z.object({ [SETUP_TOKEN_HEADER]: z.string().max(200).optional() }),
      response: { 200: SetupStatus, 400: Problem, 429: Problem },
    },
  }, async (request) => setup.status(request.headers[SETUP_TOKEN_HEADER]));

  app.post('/api/setup', {
    config: { rateLimit },
    schema: {
      operationId: 'completeSetup',
      tags: ['setup'],
      summary: 'First run: create the organisation and its first admin with the setup link, and sign the admin in',
      security: [],
      body: SetupRequest,
      response: { 201: SessionOpened, 400: Problem, 401: Problem, 409: Problem, 429: Problem },
    },
  }, async (request, reply) => {
    const { token, ...input } = request.body;
    return sendSession(reply, await setup.complete(token, input), secureCookies);
  });
};
