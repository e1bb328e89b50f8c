import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  PabulibExportQuery,
  PabulibImportReport,
  BallotInput,
  BallotParams,
  MyBallot,
  Problem,
  ProjectDistrictBody,
  RoundParams,
  VoteBucketParams,
  VoteResults,
  VoteSettings,
  VoteSettingsInput,
  VoterDistrict,
  VoterDistricts,
} from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import { notFound } from '../../domain/errors.ts';
import { isVisibleTo } from '../rounds/service.ts';
import { selectionCsv, sharesCsv } from './files.ts';
import type { PabulibIo } from './pabulib-io.ts';
import type { VotesService } from './service.ts';

const PB_LIMIT = 32 * 1024 * 1024;

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
const file200 = (description: string) => ({ description, content: { 'text/csv': { schema: z.string().meta({ format: 'binary' }) } } });

const BALLOT_REFUSALS =
  'Refusals name the rule and its figures: 400 `ballot_kind_mismatch`, `too_few_projects` (minProjects, approved), `too_many_projects` ' +
  '(maxProjects, approved), `too_many_points_on_project` (maxPerProject, bucketId, points), `too_many_points` (maxTotal, total), ' +
  '`unknown_project` (bucketIds), `duplicate_project`, `district_required`, `unknown_district`; 409 `district_fixed`, `vote_not_open`, `not_vote_round`. ' +
  'An empty ballot withdraws the vote.';

export const voteRoutes: FastifyPluginAsyncZod<{ votes: VotesService; pabulib: PabulibIo; access: Access }> = async (app, { votes, pabulib, access }) => {
  // Encapsulated: only this plugin's routes accept a .pb file as the body.
  for (const type of ['text/plain', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: PB_LIMIT }, (_request, body, done) => {
      done(null, new TextDecoder('utf-8').decode(body as Buffer));
    });
  }

  app.post('/api/rounds/:roundId/vote/pabulib', {
    bodyLimit: PB_LIMIT,
    schema: {
      operationId: 'importPabulib',
      tags: ['votes'],
      summary: 'Load a Pabulib .pb file into a vote round that has no project yet (admin): its projects, its voters as anonymous ballots',
      description:
        'Send the file as `text/plain` (UTF-8, at most 32 MiB). META gives the budget, ballot rules (min_length/max_length, max_points/max_sum_points) ' +
        'and rule (greedy, equalshares…); a `district` (or `subunit`) becomes the round’s district. The vote opens with the file’s ballots; ' +
        'to replay a past year, close it at once (`POST /api/rounds/:roundId/vote/close`). 400 `pabulib_invalid` names the line; 409 `round_has_projects`, `vote_rules_frozen`.',
      params: RoundParams,
      consumes: ['text/plain'],
      body: z.string().min(1).max(PB_LIMIT),
      response: { 200: PabulibImportReport, 413: Problem, 415: Problem, ...errors },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return pabulib.importFile(actor, round, request.body);
  });

  app.get('/api/rounds/:roundId/pabulib', {
    exposeHeadRoute: false,
    schema: {
      operationId: 'exportPabulib',
      tags: ['votes'],
      summary: 'The round as a Pabulib .pb file: a vote round’s pool, or an allowance round as a cumulative vote (cents as points)',
      description: 'A vote round with several pools needs `district` (a district id, or `citywide`): else 400 `district_required` lists them. Members are anonymous in the file.',
      params: RoundParams,
      querystring: PabulibExportQuery,
      response: { 200: { description: 'The .pb file (UTF-8).', content: { 'text/plain': { schema: z.string() } } }, ...errors },
    },
  }, async (request, reply) => {
    const { round } = await access.round(request, request.params.roundId, ['admin', 'accountant']);
    const body = await pabulib.exportFile(round, request.query.district);
    return reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', 'attachment; filename="round.pb"').send(body);
  });
  app.get('/api/rounds/:roundId/vote', {
    schema: {
      operationId: 'getVoteSettings',
      tags: ['votes'],
      summary: 'A vote round’s budget, districts, ballot rules, counting rule and whether counts are hidden',
      params: RoundParams,
      response: { 200: VoteSettings, ...errors },
    },
  }, async (request) => {
    const { viewer, round } = await access.viewRound(request, request.params.roundId);
    if (viewer.kind === 'member' && !isVisibleTo(round, viewer.actor.role)) throw notFound('round');
    return votes.settings(round);
  });

  app.put('/api/rounds/:roundId/vote', {
    schema: {
      operationId: 'saveVoteSettings',
      tags: ['votes'],
      summary: 'Set a vote round’s budget, districts, ballot and counting rule, whole, before the vote opens (admin)',
      description: 'In draft or proposals only (409 `vote_rules_frozen` after). Districts sent with their `id` keep it; those left out are removed.',
      params: RoundParams,
      body: VoteSettingsInput,
      response: { 200: VoteSettings, ...errors },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, ['admin']);
    return votes.saveSettings(round, request.body);
  });

  app.put('/api/buckets/:bucketId/vote-district', {
    schema: {
      operationId: 'setProjectDistrict',
      tags: ['votes'],
      summary: 'Attach a project to one of the round’s districts, or make it city-wide (null), before the vote opens (admin)',
      params: VoteBucketParams,
      body: ProjectDistrictBody,
      response: { 200: VoteSettings, ...errors },
    },
  }, async (request) => {
    const { round, bucket } = await access.bucket(request, request.params.bucketId, ['admin']);
    return votes.setProjectDistrict(round, bucket, request.body.districtId);
  });

  app.get('/api/rounds/:roundId/voter-districts', {
    schema: {
      operationId: 'listVoterDistricts',
      tags: ['votes'],
      summary: 'Which district each member votes in, as staff or their first ballot set it (admin)',
      params: RoundParams,
      response: { 200: VoterDistricts, ...errors },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, ['admin']);
    return votes.voterDistricts(round);
  });

  app.put('/api/rounds/:roundId/voter-districts/:membershipId', {
    schema: {
      operationId: 'setVoterDistrict',
      tags: ['votes'],
      summary: 'Attach a member to one of the round’s districts before they vote, or detach them (null) (admin)',
      description: 'Until the close. 409 `district_fixed` once the member has voted in another district, `not_a_voter`, `vote_closed`; 400 `unknown_district`.',
      params: BallotParams,
      body: ProjectDistrictBody,
      response: { 200: VoterDistrict, ...errors },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, ['admin']);
    return votes.setVoterDistrict(round, request.params.membershipId, request.body.districtId);
  });

  app.get('/api/rounds/:roundId/ballot', {
    schema: {
      operationId: 'getMyBallot',
      tags: ['votes'],
      summary: 'My ballot in a vote round, its rules, and whether I vote and the vote is open',
      params: RoundParams,
      response: { 200: MyBallot, ...errors },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId);
    if (!isVisibleTo(round, actor.role)) throw notFound('round');
    return votes.myBallot(actor, round);
  });

  app.put('/api/rounds/:roundId/ballot', {
    schema: {
      operationId: 'castBallot',
      tags: ['votes'],
      summary: 'Set or change my ballot, whole, until the vote closes',
      description: BALLOT_REFUSALS + ' 403 `not_a_voter` for a member who does not vote in this round.',
      params: RoundParams,
      body: BallotInput,
      response: { 200: MyBallot, ...errors },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId);
    if (!isVisibleTo(round, actor.role)) throw notFound('round');
    return votes.cast(actor, round, request.body);
  });

  app.get('/api/rounds/:roundId/ballots/:membershipId', {
    schema: {
      operationId: 'getMemberBallot',
      tags: ['votes'],
      summary: 'A member’s ballot, before staff enter their paper one (admin)',
      params: BallotParams,
      response: { 200: MyBallot, ...errors },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, ['admin']);
    return votes.ballotOf(round, request.params.membershipId);
  });

  app.put('/api/rounds/:roundId/ballots/:membershipId', {
    schema: {
      operationId: 'enterPaperBallot',
      tags: ['votes'],
      summary: 'Enter a member’s paper ballot on their behalf (admin): marked paper, in the round’s decisions history',
      description: BALLOT_REFUSALS + ' 409 `not_a_voter` for a member who does not vote in this round.',
      params: BallotParams,
      body: BallotInput,
      response: { 200: MyBallot, ...errors },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return votes.enterPaper(actor, round, request.params.membershipId, request.body);
  });

  app.post('/api/rounds/:roundId/vote/close', {
    schema: {
      operationId: 'closeVote',
      tags: ['votes'],
      summary: 'Close the vote now and count it under the round’s rule (admin); the reply is the results',
      description: 'Ballots in flight land first and count. 409 `vote_not_open` unless the round is in funding.',
      params: RoundParams,
      response: { 200: VoteResults, ...errors },
    },
  }, async (request) => {
    const { actor, round } = await access.round(request, request.params.roundId, ['admin']);
    return votes.close(actor, round);
  });

  app.get('/api/rounds/:roundId/vote/results', {
    schema: {
      operationId: 'getVoteResults',
      tags: ['votes'],
      summary: 'The count of a closed vote: per pool, each project’s fate with its support and the reason, exact figures',
      description: '409 `vote_not_closed` before the close.',
      params: RoundParams,
      response: { 200: VoteResults, ...errors },
    },
  }, async (request) => {
    const { round } = await access.viewRound(request, request.params.roundId);
    return votes.results(round);
  });

  app.get('/api/rounds/:roundId/vote/selection.csv', {
    exposeHeadRoute: false,
    schema: {
      operationId: 'exportVoteSelectionCsv',
      tags: ['votes'],
      summary: 'The selection, for the accountant: per project, its district, cost, support, selected or not, and the reason code',
      params: RoundParams,
      response: { 200: file200('CSV, UTF-8 with a BOM, `;` separator, amounts in major units.'), ...errors },
    },
  }, async (request, reply) => {
    const { round } = await access.round(request, request.params.roundId, ['admin', 'accountant']);
    const body = selectionCsv(round, await votes.selectionRows(round));
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="vote-selection.csv"').send(body);
  });

  app.get('/api/rounds/:roundId/vote/shares.csv', {
    exposeHeadRoute: false,
    schema: {
      operationId: 'exportVoteSharesCsv',
      tags: ['votes'],
      summary: 'Equal Shares: what each voter’s share paid for, in all (exact fraction of cents, and rounded down to the cent)',
      params: RoundParams,
      response: { 200: file200('CSV, UTF-8 with a BOM, `;` separator.'), ...errors },
    },
  }, async (request, reply) => {
    const { round } = await access.round(request, request.params.roundId, ['admin', 'accountant']);
    const body = sharesCsv(round, await votes.shareRows(round));
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="vote-shares.csv"').send(body);
  });
};
