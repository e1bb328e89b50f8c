import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { AppConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Access } from '../http/access.ts';
import type { Jobs } from '../jobs.ts';
import type { Changes } from './live/changes.ts';
import { makeAuthService } from './auth/service.ts';
import { authRoutes } from './auth/routes.ts';
import { makeOrganisationsService } from './organisations/service.ts';
import { organisationRoutes } from './organisations/routes.ts';
import { makeSetupService } from './setup/service.ts';
import { setupRoutes } from './setup/routes.ts';
import { makeMembersService } from './members/service.ts';
import { memberRoutes } from './members/routes.ts';
import { makeRoundsService } from './rounds/service.ts';
import { makePhasesService } from './rounds/phases.ts';
import { makeAllowancesService } from './rounds/allowances.ts';
import { roundRoutes } from './rounds/routes.ts';
import { allowanceRoutes } from './rounds/allowance-routes.ts';
import { makeCriteriaService } from './criteria/service.ts';
import { criteriaRoutes } from './criteria/routes.ts';
import { makeBucketServices } from './buckets/service.ts';
import { bucketRoutes } from './buckets/routes.ts';
import { makeCommentsService } from './comments/service.ts';
import { commentRoutes } from './comments/routes.ts';
import { makeFlagsService } from './flags/service.ts';
import { flagRoutes } from './flags/routes.ts';
import { makeAllocationService } from './allocations/service.ts';
import { allocationRoutes } from './allocations/routes.ts';
import { makeResultsService } from './results/service.ts';
import { resultRoutes } from './results/routes.ts';
import { makeClosingService } from './closing/service.ts';
import { closingRoutes } from './closing/routes.ts';
import { makeRemindersService } from './reminders/service.ts';
import { makeProgressService } from './progress/service.ts';
import { progressRoutes } from './progress/routes.ts';
import { makeExportsService } from './exports/service.ts';
import { exportRoutes } from './exports/routes.ts';
import { livePlugin } from './live/plugin.ts';
import { makeProjectorService } from './projector/service.ts';
import { projectorRoutes } from './projector/routes.ts';
import { makeVotesService } from './votes/service.ts';
import { voteRoutes } from './votes/routes.ts';
import { makePabulibIo } from './votes/pabulib-io.ts';

export type FeatureDeps = {
  db: Db;
  pool: pg.Pool;
  now: () => Date;
  config: AppConfig;
  access: Access;
  changes: Changes;
  jobs: Jobs;
  databaseUrl?: string;
};

/**
 * Every feature, in the order of a round's life: each makes its service from narrow
 * dependencies, registers its routes, and adds its scheduled work to `jobs`.
 */
export async function registerFeatures(app: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const { db, now, config, access, changes, jobs } = deps;
  const publicUrl = config.publicUrl;

  // Who: sign-in, organisations, members.
  const auth = makeAuthService({
    db,
    now,
    secret: config.sessionSecret,
    sessionDays: config.sessionDays,
    publicUrl,
    onLinkCreated: config.logMagicLinks ? (email, url) => app.log.info(`sign-in link for ${email}: ${url}`) : undefined,
  });
  await app.register(authRoutes, { auth, access, secureCookies: config.secureCookies, signInPerMinute: config.rateLimit.signInPerMinute });
  const setup = makeSetupService({ db, now, openSession: auth.openSession, me: auth.me });
  await app.register(setupRoutes, { setup, secureCookies: config.secureCookies, perMinute: config.rateLimit.signInPerMinute });
  await app.register(organisationRoutes, { organisations: makeOrganisationsService({ db }), access });
  await app.register(memberRoutes, { members: makeMembersService({ db, now, publicUrl, changes }), access });

  // Rounds: rules, phases, the appraisal grid, allowances.
  const phases = makePhasesService({ db, now, changes, log: app.log });
  await app.register(roundRoutes, { db, rounds: makeRoundsService({ db, now, changes }), phases, access });
  jobs.add('round-phases', async () => void (await phases.runScheduled()));
  await app.register(criteriaRoutes, { criteria: makeCriteriaService({ db }), access });
  await app.register(allowanceRoutes, { allowances: makeAllowancesService({ db, now, changes }), access });

  // Projects and their discussion.
  await app.register(bucketRoutes, { buckets: makeBucketServices({ db, now, changes, publicUrl }), access });
  await app.register(commentRoutes, { comments: makeCommentsService({ db, now, publicUrl }), access });
  await app.register(flagRoutes, { flags: makeFlagsService({ db, now }), access });

  // Money: allocations, the close and its settlement, results, reminders.
  const results = makeResultsService({ db });
  await app.register(resultRoutes, { results, access });
  const closing = makeClosingService({ db, now, changes, results, log: app.log });
  await app.register(closingRoutes, { closing, access });
  jobs.add('round-close', async () => void (await closing.closeDueRounds()));
  // Allocations fund a full bucket of a permanent round at once; the job catches any missed.
  jobs.add('permanent-full', async () => void (await closing.fundFullBuckets()));
  const allocations = makeAllocationService({ db, changes, onPermanentBucketFull: (roundId) => closing.fundFullBuckets(roundId) });
  await app.register(allocationRoutes, { allocations, access });
  const reminders = makeRemindersService({ db, now, publicUrl, log: app.log });
  jobs.add('reminders', async () => void (await reminders.sendDue()));

  // Vote rounds: ballots instead of money, counted at the close (issue 14).
  const votes = makeVotesService({ db, now, changes, log: app.log });
  const pabulib = makePabulibIo({ db, now, changes });
  await app.register(voteRoutes, { votes, pabulib, access });
  jobs.add('vote-close', async () => void (await votes.closeDue()));

  // After the vote: progress, and the accountant's files.
  await app.register(progressRoutes, { progress: makeProgressService({ db, now, changes }), access });
  await app.register(exportRoutes, { exports: makeExportsService({ db, pool: deps.pool, now }), access });

  // Live funding states and the board meeting's projector.
  await app.register(livePlugin, { db, pool: deps.pool, access, changes, config, now, databaseUrl: deps.databaseUrl });
  const projector = makeProjectorService({ db, now, secret: config.sessionSecret, publicUrl, onRevoked: (linkId) => app.live.revokeProjectorLink(linkId) });
  await app.register(projectorRoutes, { projector, access, secureCookies: config.secureCookies, openPerMinute: config.rateLimit.signInPerMinute });
}
