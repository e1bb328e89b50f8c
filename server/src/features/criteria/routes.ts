import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Criterion, CriterionList, CriterionParams, CriterionPatch, NewCriterion, Problem, RoundParams } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import { notFound } from '../../domain/errors.ts';
import { isVisibleTo } from '../rounds/service.ts';
import type { CriteriaService } from './service.ts';

export const criteriaRoutes: FastifyPluginAsyncZod<{ criteria: CriteriaService; access: Access }> = async (app, { criteria, access }) => {
  app.get('/api/rounds/:roundId/criteria', {
    schema: {
      operationId: 'listCriteria',
      tags: ['criteria'],
      summary: 'The round’s appraisal grid, in order',
      params: RoundParams,
      response: { 200: CriterionList, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId);
    if (!isVisibleTo(round, actor.role)) throw notFound('round');
    return { criteria: await criteria.list(round.id) };
  });

  app.post('/api/rounds/:roundId/criteria', {
    schema: {
      operationId: 'createCriterion',
      tags: ['criteria'],
      summary: 'Add a criterion at the end of the grid (until funding starts)',
      params: RoundParams,
      body: NewCriterion,
      response: { 201: Criterion, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const { round } = await access.round(request, request.params.roundId, ['admin']);
    return reply.code(201).send(await criteria.create(round.id, request.body));
  });

  app.patch('/api/criteria/:criterionId', {
    schema: {
      operationId: 'updateCriterion',
      tags: ['criteria'],
      summary: 'Rename, describe or move a criterion (until funding starts)',
      params: CriterionParams,
      body: CriterionPatch,
      response: { 200: Criterion, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    access.person(request);
    const roundId = await criteria.roundOf(request.params.criterionId);
    const { round } = await access.round(request, roundId, ['admin']);
    return criteria.update(round.id, request.params.criterionId, request.body);
  });

  app.delete('/api/criteria/:criterionId', {
    schema: {
      operationId: 'deleteCriterion',
      tags: ['criteria'],
      summary: 'Remove a criterion and the flags raised against it (until funding starts)',
      params: CriterionParams,
      response: { 204: z.null(), 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    access.person(request);
    const roundId = await criteria.roundOf(request.params.criterionId);
    const { round } = await access.round(request, roundId, ['admin']);
    await criteria.remove(round.id, request.params.criterionId);
    return reply.code(204).send(null);
  });
};
