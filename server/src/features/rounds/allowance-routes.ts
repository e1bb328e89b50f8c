import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AllowanceList, AllowanceOverrideBody, AllowanceParams, GrantResult, ImportFailed, ImportReport, MemberAllowance, NewGrant, Problem, RoundParams } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { AllowancesService } from './allowances.ts';

const CSV_LIMIT = 1024 * 1024;

export const allowanceRoutes: FastifyPluginAsyncZod<{ allowances: AllowancesService; access: Access }> = async (app, { allowances, access }) => {
  // Encapsulated: only this plugin's routes accept CSV bodies.
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: CSV_LIMIT }, (_request, body, done) => {
    done(null, new TextDecoder('utf-8').decode(body as Buffer));
  });

  app.get('/api/rounds/:roundId/allowances', {
    schema: {
      operationId: 'listAllowances',
      tags: ['allowances'],
      summary: 'Every active member’s allowance in the round: default or override, and once funding started what they hold and allocated',
      description: '`formerParticipants`: deactivated members whose money is still in the round’s projects, with what an admin may return to their allowance (`returnMemberAllocations`).',
      params: RoundParams,
      response: { 200: AllowanceList, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, ['admin', 'accountant']);
    return allowances.list(round);
  });

  app.put('/api/rounds/:roundId/allowances/:membershipId', {
    schema: {
      operationId: 'setAllowanceOverride',
      tags: ['allowances'],
      summary: 'Give one member another allowance than the default (during funding, their allowance changes at once)',
      params: AllowanceParams,
      body: AllowanceOverrideBody,
      response: { 200: MemberAllowance, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return allowances.set(actor, round.id, request.params.membershipId, request.body.amountCents);
  });

  app.delete('/api/rounds/:roundId/allowances/:membershipId', {
    schema: {
      operationId: 'removeAllowanceOverride',
      tags: ['allowances'],
      summary: 'Put one member back on the round’s default allowance',
      params: AllowanceParams,
      response: { 204: z.null(), 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    await allowances.reset(actor, round.id, request.params.membershipId);
    return reply.code(204).send(null);
  });

  app.post('/api/rounds/:roundId/allowances/import', {
    schema: {
      operationId: 'importAllowances',
      tags: ['allowances'],
      summary: 'Set allowances from CSV (header email,amount; amounts in major units such as 430 or 12,50): all lines or none',
      description:
        'Send the file as `text/csv`, at most 1 MiB, `,` or `;` as separator, UTF-8. Every line is checked first; if any is wrong ' +
        '(malformed, duplicated, not an active member, below what the member already allocated) nothing changes and the 400 lists ' +
        'each bad line by its number in the file, the header being line 1.',
      consumes: ['text/csv'],
      params: RoundParams,
      body: z.string().meta({ description: 'The CSV file.' }),
      response: { 200: ImportReport, 400: z.union([ImportFailed, Problem]), 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem, 415: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return allowances.importCsv(actor, round.id, request.body);
  });

  app.post('/api/rounds/:roundId/grants', {
    schema: {
      operationId: 'grantAllowances',
      tags: ['allowances'],
      summary: 'Top up allowances while the round is in funding (the yearly top-up of a permanent round)',
      params: RoundParams,
      body: NewGrant,
      response: { 200: GrantResult, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return allowances.grant(actor, round.id, request.body);
  });
};
