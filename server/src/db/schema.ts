import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { ALLOWANCE_HOLDERS, BUCKET_STATUSES, ROLES, ROUND_PHASES } from '@cagnotte/shared';
import type { BallotRules, CountRule, PoolResult } from '@cagnotte/shared';

// Every id is a time-ordered uuidv7 (PostgreSQL 18), except the ledger's, which is a sequence
// so that its rows have one total order for exports.
const id = () => uuid().primaryKey().default(sql`uuidv7()`);
const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const cents = () => bigint({ mode: 'number' });

export const roleEnum = pgEnum('role', ROLES);
export const localeEnum = pgEnum('locale', ['fr', 'en']);
export const roundKindEnum = pgEnum('round_kind', ['one_off', 'permanent', 'vote']);
export const roundPhaseEnum = pgEnum('round_phase', ROUND_PHASES);
export const shortfallRuleEnum = pgEnum('shortfall_rule', ['return', 'board']);
export const allowanceHoldersEnum = pgEnum('allowance_holders', ALLOWANCE_HOLDERS);
export const bucketStatusEnum = pgEnum('bucket_status', BUCKET_STATUSES);
export const proposerStatusEnum = pgEnum('proposer_status', ['invited', 'accepted', 'declined']);
export const ledgerKindEnum = pgEnum('ledger_kind', ['grant', 'allocate', 'return']);
export const sessionKindEnum = pgEnum('session_kind', ['member', 'projector']);

export const organisations = pgTable('organisations', {
  id: id(),
  name: text().notNull(),
  slug: text().notNull().unique(),
  currency: text().notNull(),
  locale: localeEnum().notNull().default('fr'),
  timeZone: text().notNull().default('Europe/Paris'),
  createdAt: createdAt(),
}, (t) => [check('organisations_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`)]);

export const people = pgTable('people', {
  id: id(),
  // Null once personal data is erased; the id stays in every record.
  email: text(),
  name: text().notNull(),
  /** The language the person chose for the app and their sign-in e-mail; null follows their organisation's. */
  locale: localeEnum(),
  erasedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('people_email_unique').on(sql`lower(${t.email})`),
  check('people_erased_blank', sql`${t.erasedAt} IS NULL OR ${t.email} IS NULL`),
]);

export const memberships = pgTable('memberships', {
  id: id(),
  organisationId: uuid().notNull().references(() => organisations.id, { onDelete: 'cascade' }),
  personId: uuid().notNull().references(() => people.id, { onDelete: 'restrict' }),
  // The name this organisation knows the person by: what its admin typed, never what another
  // organisation recorded. Every name shown inside the organisation comes from here.
  name: text().notNull(),
  role: roleEnum().notNull().default('member'),
  active: boolean().notNull().default(true),
  /**
   * Marked as holding an allowance (a sociétaire, say): what rounds whose `allowance_holders`
   * is `eligible_members` require of everyone, and what staff need in any round.
   */
  eligible: boolean().notNull().default(false),
  /** The organisation's own member number, if it has one (imported or set by an admin). */
  memberNumber: text(),
  deactivatedAt: timestamp({ withTimezone: true }),
  // Erased within this organisation: name neutral, e-mail hidden, never reactivated. The person
  // may join again later as a new membership, hence the unique index on live memberships only.
  erasedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('memberships_org_person_unique').on(t.organisationId, t.personId).where(sql`${t.erasedAt} IS NULL`),
  check('memberships_erased_inactive', sql`${t.erasedAt} IS NULL OR NOT ${t.active}`),
  uniqueIndex('memberships_org_number_unique').on(t.organisationId, t.memberNumber),
  index('memberships_person_idx').on(t.personId),
]);

export const magicLinks = pgTable('magic_links', {
  id: id(),
  personId: uuid().notNull().references(() => people.id, { onDelete: 'cascade' }),
  tokenHash: text().notNull().unique(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * The one-time links that create an instance's first organisation (the first run). Only the
 * token's hash is stored; a link works once, until it expires.
 */
export const setupLinks = pgTable('setup_links', {
  id: id(),
  tokenHash: text().notNull().unique(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
});

export const rounds = pgTable('rounds', {
  id: id(),
  organisationId: uuid().notNull().references(() => organisations.id, { onDelete: 'cascade' }),
  title: text().notNull(),
  description: text().notNull().default(''),
  currency: text().notNull(),
  kind: roundKindEnum().notNull().default('one_off'),
  phase: roundPhaseEnum().notNull().default('draft'),
  defaultAllowanceCents: cents().notNull().default(0),
  perBucketCapCents: cents(),
  minCoProposers: integer().notNull().default(1),
  approvalRequired: boolean().notNull().default(false),
  nearlyFundedPercent: integer().notNull().default(80),
  shortfallRule: shortfallRuleEnum().notNull().default('return'),
  allowanceHolders: allowanceHoldersEnum().notNull().default('all_members'),
  contributorsVisible: boolean().notNull().default(false),
  proposalsOpenAt: timestamp({ withTimezone: true }),
  fundingOpensAt: timestamp({ withTimezone: true }),
  closesAt: timestamp({ withTimezone: true }),
  presentationAt: timestamp({ withTimezone: true }),
  boardMeetingAt: timestamp({ withTimezone: true }),
  closedAt: timestamp({ withTimezone: true }),
  remindersSentAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: createdAt(),
}, (t) => [
  index('rounds_org_idx').on(t.organisationId),
  check('rounds_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  check('rounds_allowance_nonnegative', sql`${t.defaultAllowanceCents} >= 0`),
  check('rounds_cap_positive', sql`${t.perBucketCapCents} IS NULL OR ${t.perBucketCapCents} > 0`),
  check('rounds_co_proposers', sql`${t.minCoProposers} BETWEEN 1 AND 20`),
  // A vote round hands out no money: its voters hold no allowance. (`::text`: the enum value is
  // new in the migration that adds this check, and cannot be used as an enum in the same transaction.)
  check('rounds_vote_no_allowance', sql`${t.kind}::text <> 'vote' OR ${t.defaultAllowanceCents} = 0`),
  check('rounds_threshold', sql`${t.nearlyFundedPercent} BETWEEN 1 AND 100`),
  check('rounds_permanent_never_closes', sql`${t.kind} <> 'permanent' OR (${t.closesAt} IS NULL AND ${t.phase} <> 'closed')`),
]);

/** The appraisal grid: criteria every project of a round is discussed against. */
export const criteria = pgTable('criteria', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  position: integer().notNull(),
  title: text().notNull(),
  description: text().notNull().default(''),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('criteria_round_position_unique').on(t.roundId, t.position)]);

/** Per-member allowance set before (or during) funding; the grant rows follow from it. */
export const allowanceOverrides = pgTable('allowance_overrides', {
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  membershipId: uuid().notNull().references(() => memberships.id, { onDelete: 'restrict' }),
  amountCents: cents().notNull(),
  setBy: uuid().notNull().references(() => memberships.id),
  updatedAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.roundId, t.membershipId] }),
  check('allowance_overrides_nonnegative', sql`${t.amountCents} >= 0`),
]);

export const participants = pgTable('participants', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  membershipId: uuid().notNull().references(() => memberships.id, { onDelete: 'restrict' }),
  allowanceCents: cents().notNull().default(0),
  allocatedCents: cents().notNull().default(0),
  // What the member may still allocate, defined once here: SQL, PL/pgSQL and TypeScript all read it.
  remainingCents: cents().notNull().generatedAlwaysAs(sql`allowance_cents - allocated_cents`),
  version: bigint({ mode: 'number' }).notNull().default(0),
  remindedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('participants_round_membership_unique').on(t.roundId, t.membershipId),
  // Invariant 1.
  check('participants_allocated_within_allowance', sql`${t.allocatedCents} >= 0 AND ${t.allocatedCents} <= ${t.allowanceCents}`),
]);

export type BudgetLine = { label: string; amountCents: number; essential: boolean };

export const buckets = pgTable('buckets', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  title: text().notNull(),
  summary: text().notNull().default(''),
  description: text().notNull().default(''),
  tags: text().array().notNull().default(sql`'{}'::text[]`),
  imageUrl: text(),
  status: bucketStatusEnum().notNull().default('draft'),
  budgetLines: jsonb().$type<BudgetLine[]>().notNull(),
  minCents: cents().notNull(),
  maxCents: cents().notNull(),
  fundedCents: cents().notNull().default(0),
  contributors: integer().notNull().default(0),
  fundingVersion: bigint({ mode: 'number' }).notNull().default(0),
  revision: integer().notNull().default(1),
  mergedIntoId: uuid().references((): AnyPgColumn => buckets.id, { onDelete: 'restrict' }),
  statusReason: text(),
  createdBy: uuid().notNull().references(() => memberships.id),
  fundingEndedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: createdAt(),
}, (t) => [
  index('buckets_round_idx').on(t.roundId),
  check('buckets_min_positive', sql`${t.minCents} > 0 AND ${t.minCents} <= ${t.maxCents}`),
  // Invariant 2.
  check('buckets_funded_within_max', sql`${t.fundedCents} >= 0 AND ${t.fundedCents} <= ${t.maxCents}`),
  check('buckets_contributors_nonnegative', sql`${t.contributors} >= 0`),
  check('buckets_merged_points_somewhere', sql`(${t.status} = 'merged') = (${t.mergedIntoId} IS NOT NULL)`),
  // Invariant 6: only these statuses may hold money.
  check('buckets_money_only_where_allowed', sql`${t.fundedCents} = 0 OR ${t.status} IN ('open', 'funded', 'awaiting_board', 'completed')`),
]);

export const bucketProposers = pgTable('bucket_proposers', {
  bucketId: uuid().notNull().references(() => buckets.id, { onDelete: 'cascade' }),
  membershipId: uuid().notNull().references(() => memberships.id, { onDelete: 'restrict' }),
  status: proposerStatusEnum().notNull().default('invited'),
  invitedBy: uuid().references(() => memberships.id),
  invitedAt: createdAt(),
  respondedAt: timestamp({ withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.bucketId, t.membershipId] }),
  index('bucket_proposers_membership_idx').on(t.membershipId),
]);

/** Every edit of a bucket, with what changed: `changes` maps a field to its before and after. */
export const bucketRevisions = pgTable('bucket_revisions', {
  id: id(),
  bucketId: uuid().notNull().references(() => buckets.id, { onDelete: 'cascade' }),
  revision: integer().notNull(),
  authorId: uuid().notNull().references(() => memberships.id),
  changes: jsonb().$type<Record<string, { from: unknown; to: unknown }>>().notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('bucket_revisions_bucket_revision_unique').on(t.bucketId, t.revision)]);

export const comments = pgTable('comments', {
  id: id(),
  bucketId: uuid().notNull().references(() => buckets.id, { onDelete: 'cascade' }),
  authorId: uuid().notNull().references(() => memberships.id),
  body: text().notNull(),
  editedAt: timestamp({ withTimezone: true }),
  deletedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('comments_bucket_idx').on(t.bucketId)]);

export const criterionFlags = pgTable('criterion_flags', {
  id: id(),
  bucketId: uuid().notNull().references(() => buckets.id, { onDelete: 'cascade' }),
  criterionId: uuid().notNull().references(() => criteria.id, { onDelete: 'cascade' }),
  authorId: uuid().notNull().references(() => memberships.id),
  reason: text().notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('criterion_flags_one_per_author').on(t.bucketId, t.criterionId, t.authorId)]);

export const flagAnswers = pgTable('flag_answers', {
  id: id(),
  flagId: uuid().notNull().references(() => criterionFlags.id, { onDelete: 'cascade' }),
  authorId: uuid().notNull().references(() => memberships.id),
  body: text().notNull(),
  createdAt: createdAt(),
}, (t) => [index('flag_answers_flag_idx').on(t.flagId)]);

export const costingNotes = pgTable('costing_notes', {
  id: id(),
  bucketId: uuid().notNull().references(() => buckets.id, { onDelete: 'cascade' }),
  authorId: uuid().notNull().references(() => memberships.id),
  body: text().notNull(),
  estimateCents: cents(),
  createdAt: createdAt(),
}, (t) => [
  index('costing_notes_bucket_idx').on(t.bucketId),
  check('costing_notes_estimate_nonnegative', sql`${t.estimateCents} IS NULL OR ${t.estimateCents} >= 0`),
]);

/** The round's public history: who decided what, when and why. `actorId` is null for the scheduler. */
export const decisions = pgTable('decisions', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  bucketId: uuid().references(() => buckets.id, { onDelete: 'cascade' }),
  kind: text().notNull(),
  actorId: uuid().references(() => memberships.id),
  reason: text(),
  data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
}, (t) => [index('decisions_round_idx').on(t.roundId, t.createdAt)]);

export const progressUpdates = pgTable('progress_updates', {
  id: id(),
  bucketId: uuid().notNull().references(() => buckets.id, { onDelete: 'cascade' }),
  authorId: uuid().notNull().references(() => memberships.id),
  body: text().notNull(),
  link: text(),
  createdAt: createdAt(),
}, (t) => [index('progress_updates_bucket_idx').on(t.bucketId)]);

/** Invariant 3 is kept by the allocation statement itself (cap, permanent-round floor). */
export const allocations = pgTable('allocations', {
  participantId: uuid().notNull().references(() => participants.id, { onDelete: 'restrict' }),
  bucketId: uuid().notNull().references(() => buckets.id, { onDelete: 'restrict' }),
  amountCents: cents().notNull().default(0),
  updatedAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.participantId, t.bucketId] }),
  index('allocations_bucket_idx').on(t.bucketId),
  check('allocations_nonnegative', sql`${t.amountCents} >= 0`),
]);

/** Append-only (a trigger refuses UPDATE and DELETE): the truth every total derives from. */
export const ledger = pgTable('ledger', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'restrict' }),
  participantId: uuid().notNull().references(() => participants.id, { onDelete: 'restrict' }),
  bucketId: uuid().references(() => buckets.id, { onDelete: 'restrict' }),
  kind: ledgerKindEnum().notNull(),
  deltaCents: cents().notNull(),
  enteredBy: uuid().references(() => memberships.id),
  reason: text(),
  idempotencyKey: text(),
  createdAt: createdAt(),
}, (t) => [
  index('ledger_round_idx').on(t.roundId, t.id),
  index('ledger_participant_idx').on(t.participantId),
  index('ledger_bucket_idx').on(t.bucketId),
  check('ledger_delta_nonzero', sql`${t.deltaCents} <> 0`),
  check('ledger_grant_has_no_bucket', sql`(${t.kind} = 'grant') = (${t.bucketId} IS NULL)`),
  check('ledger_return_is_negative', sql`${t.kind} <> 'return' OR ${t.deltaCents} < 0`),
]);

/** Stored replies for `Idempotency-Key`, scoped to the person who sent it. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  personId: uuid().notNull().references(() => people.id, { onDelete: 'cascade' }),
  key: text().notNull(),
  requestHash: text().notNull(),
  statusCode: integer(),
  response: jsonb(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.personId, t.key] })]);

export const projectorLinks = pgTable('projector_links', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  secretHash: text().notNull(),
  label: text().notNull().default(''),
  createdBy: uuid().notNull().references(() => memberships.id),
  revokedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
});

export const sessions = pgTable('sessions', {
  id: id(),
  kind: sessionKindEnum().notNull().default('member'),
  personId: uuid().references(() => people.id, { onDelete: 'cascade' }),
  projectorLinkId: uuid().references(() => projectorLinks.id, { onDelete: 'cascade' }),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  revokedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  index('sessions_person_idx').on(t.personId),
  check('sessions_owner', sql`(${t.kind} = 'member') = (${t.personId} IS NOT NULL) AND (${t.kind} = 'projector') = (${t.projectorLinkId} IS NOT NULL)`),
]);

export const liveTickets = pgTable('live_tickets', {
  id: id(),
  sessionId: uuid().notNull().references(() => sessions.id, { onDelete: 'cascade' }),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  ticketHash: text().notNull().unique(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
});

/** Durable e-mail queue, drained with FOR UPDATE SKIP LOCKED so a crash neither loses nor doubles. */
export const outbox = pgTable('outbox', {
  id: id(),
  to: text().notNull(),
  subject: text().notNull(),
  body: text().notNull(),
  attempts: integer().notNull().default(0),
  lastError: text(),
  runAfter: timestamp({ withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('outbox_pending_idx').on(t.runAfter).where(sql`${t.sentAt} IS NULL`)]);

// ——— The vote round (issue 14): see shared/src/votes.ts ———

/** A vote round's settings: one row per round of kind `vote`, replaced whole before the vote opens. */
export const voteSettings = pgTable('vote_settings', {
  roundId: uuid().primaryKey().references(() => rounds.id, { onDelete: 'cascade' }),
  budgetCents: cents().notNull(),
  ballot: jsonb().$type<BallotRules>().notNull(),
  rule: jsonb().$type<CountRule>().notNull(),
  hideCounts: boolean().notNull().default(false),
  updatedAt: createdAt(),
}, (t) => [check('vote_settings_budget_nonnegative', sql`${t.budgetCents} >= 0`)]);

export const voteDistricts = pgTable('vote_districts', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  budgetCents: cents().notNull(),
  position: integer().notNull(),
  createdAt: createdAt(),
}, (t) => [
  index('vote_districts_round_idx').on(t.roundId),
  check('vote_districts_budget_nonnegative', sql`${t.budgetCents} >= 0`),
]);

/** A project attached to a district; a project without a row is city-wide. */
export const voteProjectDistricts = pgTable('vote_project_districts', {
  bucketId: uuid().primaryKey().references(() => buckets.id, { onDelete: 'cascade' }),
  districtId: uuid().notNull().references(() => voteDistricts.id, { onDelete: 'cascade' }),
});

/**
 * A project imported from a Pabulib file keeps the file's project id: the count uses it (the
 * written tie rule compares ids) and the export writes it back, so a file re-imports to the
 * same outcome.
 */
export const voteProjectRefs = pgTable('vote_project_refs', {
  bucketId: uuid().primaryKey().references(() => buckets.id, { onDelete: 'cascade' }),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  externalId: text().notNull(),
}, (t) => [uniqueIndex('vote_project_refs_round_external_unique').on(t.roundId, t.externalId)]);

/**
 * One current ballot per voter: a member's (`membershipId`), or an anonymous voter imported from
 * a Pabulib file (`externalVoter`, the file's voter id). `choices` maps a bucket id to its points
 * (1 for an approval). Changing a ballot replaces it; staff-entered ballots are marked `paper`.
 */
export const voteBallots = pgTable('vote_ballots', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  membershipId: uuid().references(() => memberships.id, { onDelete: 'restrict' }),
  externalVoter: text(),
  districtId: uuid().references(() => voteDistricts.id, { onDelete: 'set null' }),
  choices: jsonb().$type<Record<string, number>>().notNull(),
  paper: boolean().notNull().default(false),
  enteredBy: uuid().references(() => memberships.id),
  updatedAt: createdAt(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('vote_ballots_member_unique').on(t.roundId, t.membershipId).where(sql`${t.membershipId} IS NOT NULL`),
  uniqueIndex('vote_ballots_external_unique').on(t.roundId, t.externalVoter).where(sql`${t.externalVoter} IS NOT NULL`),
  check('vote_ballots_one_voter', sql`(${t.membershipId} IS NULL) <> (${t.externalVoter} IS NULL)`),
]);

/**
 * The turnout of a vote round (ballots with a choice), kept by a trigger on vote_ballots
 * (migration 0010) so that a live frame sums 16 rows instead of counting every ballot. A voter's
 * ballot always counts in the same shard, so that concurrent voters rarely wait on one row.
 */
export const voteTurnout = pgTable('vote_turnout', {
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  shard: smallint().notNull(),
  ballots: integer().notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.roundId, t.shard] }),
  check('vote_turnout_shard', sql`${t.shard} BETWEEN 0 AND 15`),
]);

/** The count, stored at the close: one row per pool (city-wide: `districtId` null). */
export const voteOutcomes = pgTable('vote_outcomes', {
  id: id(),
  roundId: uuid().notNull().references(() => rounds.id, { onDelete: 'cascade' }),
  districtId: uuid().references(() => voteDistricts.id, { onDelete: 'cascade' }),
  result: jsonb().$type<PoolResult>().notNull(),
  /** Per voter key (`m:<membershipId>` or `x:<external id>`), cents of the budget spent on their behalf (MES). */
  shares: jsonb().$type<Record<string, string>>().notNull().default({}),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('vote_outcomes_pool_unique').on(t.roundId, sql`coalesce(${t.districtId}, '00000000-0000-0000-0000-000000000000'::uuid)`)]);
