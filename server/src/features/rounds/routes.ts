import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DecisionPage, DecisionQuery, NewRound, OrganisationParams, PhaseChange, Problem, Round, RoundList, RoundParams, RoundPatch } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { Access } from '../../http/access.ts';
import { notFound } from '../../domain/errors.ts';
import { listDecisions } from './history.ts';
import type { PhasesService } from './phases.ts';
import { isVisibleTo, type RoundsService } from './service.ts';

export const roundRoutes: FastifyPluginAsyncZod<{ db: Db; rounds: RoundsService; phases: PhasesService; access: Access }> = async (
  app,
  { db, rounds, phases, access },
) => {
  app.post('/api/orgs/:orgId/rounds', {
    schema: {
      operationId: 'createRound',
      tags: ['rounds'],
      summary: 'Create a round, in draft (dates without an offset are read in the organisation’s time zone)',
      params: OrganisationParams,
      body: NewRound,
      response: { 201: Round, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request, reply) => {
    const actor = await access.org(request, request.params.orgId, ['admin']);
    return reply.code(201).send(await rounds.create(actor, request.body));
  });

  app.get('/api/orgs/:orgId/rounds', {
    schema: {
      operationId: 'listRounds',
      tags: ['rounds'],
      summary: 'The organisation’s rounds, newest first (drafts for admins only)',
      params: OrganisationParams,
      response: { 200: RoundList, 400: Problem, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const actor = await access.org(request, request.params.orgId);
    return { rounds: await rounds.list(actor) };
  });

  app.get('/api/rounds/:roundId', {
    schema: {
      operationId: 'getRound',
      tags: ['rounds'],
      summary: 'A round, its rules and dates (a draft exists for admins only)',
      params: RoundParams,
      response: { 200: Round, 400: Problem, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const { viewer, round } = await access.viewRound(request, request.params.roundId);
    return rounds.get(round, viewer.kind === 'member' ? viewer.actor.role : null);
  });

  app.patch('/api/rounds/:roundId', {
    schema: {
      operationId: 'updateRound',
      tags: ['rounds'],
      summary: 'Change a round (money rules are frozen once funding starts; a closed round is read-only)',
      params: RoundParams,
      body: RoundPatch,
      response: { 200: Round, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, ['admin']);
    return rounds.update(round.id, request.body);
  });

  app.post('/api/rounds/:roundId/phase', {
    schema: {
      operationId: 'changeRoundPhase',
      tags: ['rounds'],
      summary: 'Move a round forward: draft → proposals → funding (entering funding gives every active member their allowance)',
      description: 'Phases never go back (409 `invalid_phase_transition`). Closing is `POST /api/rounds/:roundId/close` (409 `use_close` here).',
      params: RoundParams,
      body: PhaseChange,
      response: { 200: Round, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return phases.change(actor, round, request.body.phase);
  });

  app.get('/api/rounds/:roundId/decisions', {
    schema: {
      operationId: 'listRoundDecisions',
      tags: ['rounds'],
      summary: 'The round’s public history of decisions, newest first',
      params: RoundParams,
      querystring: DecisionQuery,
      response: { 200: DecisionPage, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId);
    if (!isVisibleTo(round, actor.role)) throw notFound('round');
    return listDecisions(db, round.id, request.query);
  });
};
