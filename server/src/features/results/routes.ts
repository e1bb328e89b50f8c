import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClosingRoundParams, Problem, RoundReceipt, RoundResults } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { ResultsService } from './service.ts';

export const resultRoutes: FastifyPluginAsyncZod<{ results: ResultsService; access: Access }> = async (app, { results, access }) => {
  app.get('/api/rounds/:roundId/results', {
    schema: {
      operationId: 'getRoundResults',
      tags: ['results'],
      summary: 'The results of a round: every project’s outcome and the totals, reconciled with the ledger',
      description:
        'Members see a one-off round’s results once it closed (before: 409 `round_not_closed`); admins, accountants and the round’s projector follow them live. A permanent round’s results are always available, "so far". Contributors’ names appear only when the round shows them.',
      params: ClosingRoundParams,
      response: { 200: RoundResults, 400: Problem, 401: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { viewer, round } = await access.viewRound(request, request.params.roundId);
    return results.results(viewer, round);
  });

  app.get('/api/rounds/:roundId/receipt', {
    schema: {
      operationId: 'getMyReceipt',
      tags: ['results'],
      summary: 'My receipt: what I was granted, what I gave to each project and what became of it, what I did not spend',
      params: ClosingRoundParams,
      response: { 200: RoundReceipt, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId);
    return results.receipt(actor, round);
  });
};
