import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Cents } from './money.ts';

/**
 * The vote round (issue 14): residents hold no money, they vote — approve projects or spread a
 * few points — and a counting rule picks the projects that fit the budget. A vote round is a
 * round of kind `vote`; its phase `funding` is the vote. Its projects are buckets (proposed,
 * costed, reviewed and merged as in any round); a project's cost is its bucket's maximum.
 * During the vote a bucket's `contributors` (on the board and the live socket) is its support —
 * approvals, or points — and stays 0 until the close when the round hides counts.
 */

/** Approval: at least `minProjects`, at most `maxProjects` (no limit when null). Points: at most `maxPerProject` on one project and `maxTotal` in all. */
export const BallotRules = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('approval'),
      minProjects: z.number().int().min(1).max(1000).default(1),
      maxProjects: z.number().int().min(1).max(1000).nullable().default(null),
    }),
    z.object({
      kind: z.literal('points'),
      // Up to any amount of cents: an allowance round exported as a cumulative file gives cents as points.
      maxPerProject: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      maxTotal: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    }),
  ]);
export type BallotRules = z.infer<typeof BallotRules>;

/**
 * How the close picks projects, chosen before the vote opens. `greedy`: by decreasing support,
 * each project taken if it still fits. `mes`: the Method of Equal Shares, completed by `add1`
 * (or not), and with `compareWithGreedy` the comparison step of equalshares.net.
 */
export const CountRule = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('greedy') }),
    z.object({ kind: z.literal('mes'), completion: z.enum(['add1', 'none']).default('add1'), compareWithGreedy: z.boolean().default(false) }),
  ]);
export type CountRule = z.infer<typeof CountRule>;

export const District = z.object({ id: Id, name: z.string(), budgetCents: Cents }).meta({ id: 'VoteDistrict' });
export type District = z.infer<typeof District>;

/**
 * The vote's settings. Without districts, every project counts against `budgetCents`. With
 * districts, a project attached to a district counts against that district's budget and only
 * that district's voters see it; the others are city-wide, against `budgetCents`, for everyone.
 */
export const VoteSettings = z
  .object({
    roundId: Id,
    budgetCents: Cents,
    ballot: BallotRules,
    rule: CountRule,
    /** Counts stay hidden until the close (Cobudget #625). */
    hideCounts: z.boolean(),
    districts: z.array(District),
    /** Each project's district (bucket id → district id); absent is city-wide. */
    projectDistricts: z.record(z.string(), Id),
  })
  .meta({ id: 'VoteSettings' });
export type VoteSettings = z.infer<typeof VoteSettings>;

const districtName = z.string().trim().min(1).max(200);

/** Replaces the settings whole (before the vote opens). A district sent with its `id` keeps it (and its projects and voters); one without is new; one left out is removed. */
export const VoteSettingsInput = z.object({
  budgetCents: Cents,
  ballot: BallotRules,
  rule: CountRule.default({ kind: 'greedy' }),
  hideCounts: z.boolean().default(false),
  districts: z.array(z.object({ id: Id.optional(), name: districtName, budgetCents: Cents.min(1) })).max(200).default([]),
});
export type VoteSettingsInput = z.infer<typeof VoteSettingsInput>;

export type VoteSettingsError = { path: string; message: string };

/**
 * What the schema alone cannot say, as `body.<field>` errors: the server sends them as a 400
 * and the staff form shows them beside the field. Some budget must be shared out — the city's,
 * or the districts' (an imported district's file may leave the city-wide budget at 0).
 */
export function voteSettingsErrors(input: Pick<VoteSettingsInput, 'budgetCents' | 'ballot' | 'districts'>): VoteSettingsError[] {
  const errors: VoteSettingsError[] = [];
  if (input.budgetCents + input.districts.reduce((sum, d) => sum + d.budgetCents, 0) <= 0) {
    errors.push({ path: 'body.budgetCents', message: 'the vote needs a budget above 0, city-wide or in its districts' });
  }
  const ballot = input.ballot;
  if (ballot.kind === 'approval' && ballot.maxProjects !== null && ballot.maxProjects < ballot.minProjects) {
    errors.push({ path: 'body.ballot.maxProjects', message: 'must be at least minProjects' });
  }
  if (ballot.kind === 'points' && ballot.maxTotal < ballot.maxPerProject) {
    errors.push({ path: 'body.ballot.maxTotal', message: 'must be at least maxPerProject' });
  }
  return errors;
}

export const ProjectDistrictBody = z.object({ districtId: Id.nullable() });
export type ProjectDistrictBody = z.infer<typeof ProjectDistrictBody>;

/** A voter's district, set by staff (a resident's address is known to the town) or by the voter's first ballot. */
export const VoterDistrict = z.object({ membershipId: Id, districtId: Id.nullable(), voted: z.boolean() }).meta({ id: 'VoterDistrict' });
export type VoterDistrict = z.infer<typeof VoterDistrict>;
export const VoterDistricts = z.object({ voters: z.array(VoterDistrict) }).meta({ id: 'VoterDistricts' });
export type VoterDistricts = z.infer<typeof VoterDistricts>;

/** A ballot as sent: the kind must be the round's. An empty ballot withdraws the vote. */
export const BallotInput = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('approval'), districtId: Id.nullable().optional(), approved: z.array(Id).max(1000) }),
    z.object({
      kind: z.literal('points'),
      districtId: Id.nullable().optional(),
      points: z.record(Id, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)),
    }),
  ]);
export type BallotInput = z.infer<typeof BallotInput>;

export const Ballot = z
  .object({
    /** The voter's district: fixed by their first ballot. */
    districtId: Id.nullable(),
    /** Project → points (1 for an approval). */
    choices: z.record(z.string(), z.number().int()),
    /** Entered by staff from a paper ballot. */
    paper: z.boolean(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'Ballot' });
export type Ballot = z.infer<typeof Ballot>;

export const MyBallot = z
  .object({
    roundId: Id,
    rules: BallotRules,
    /** Whether this member votes in this round (the round's `allowanceHolders` rule). */
    voter: z.boolean(),
    /** While the round is in `funding`, the vote is open and the ballot may change. */
    open: z.boolean(),
    ballot: Ballot.nullable(),
  })
  .meta({ id: 'MyBallot' });
export type MyBallot = z.infer<typeof MyBallot>;

export const BallotParams = z.object({ roundId: Id, membershipId: Id });

/** Why a project was or was not selected, with the figures that decided it. */
export const ProjectFate = z
  .object({
    bucketId: Id,
    /** The id the count knows it by: the Pabulib project id of an imported project, else the bucket id. */
    ref: z.string(),
    title: z.string(),
    costCents: Cents,
    /** Approvals, or points. */
    support: z.number().int().min(0),
    /** Voters who gave it anything. */
    supporters: z.number().int().min(0),
    selected: z.boolean(),
    /** A stable code (see the vote-count feature) and its exact figures, amounts in cents as strings. */
    reason: z.object({ code: z.string() }).catchall(z.unknown()),
  })
  .meta({ id: 'ProjectFate' });
export type ProjectFate = z.infer<typeof ProjectFate>;

export const PoolResult = z
  .object({
    /** Null for the city-wide projects. */
    districtId: Id.nullable(),
    name: z.string().nullable(),
    budgetCents: Cents,
    usedCents: Cents,
    voters: z.number().int().min(0),
    /** Voters with at least one selected project, in basis points of `voters`. */
    satisfiedVotersBp: z.number().int().min(0).max(10_000),
    /** The order projects of equal standing are taken in, in words. */
    tieRule: z.string(),
    /** Which rule picked the outcome (MES, or greedy when the comparison step preferred it). */
    decidedBy: z.string(),
    projects: z.array(ProjectFate),
  })
  .meta({ id: 'PoolResult' });
export type PoolResult = z.infer<typeof PoolResult>;

export const VoteResults = z
  .object({
    roundId: Id,
    currency: z.string(),
    rule: CountRule,
    ballot: BallotRules,
    closedAt: Timestamp,
    pools: z.array(PoolResult),
  })
  .meta({ id: 'VoteResults' });
export type VoteResults = z.infer<typeof VoteResults>;

export const PabulibImportReport = z
  .object({
    projects: z.number().int(),
    voters: z.number().int(),
    /** Voters whose ballot chose at least one project of the file. */
    ballots: z.number().int(),
    /** The file's `district` (or `subunit`), which became the round's district; null for a city-wide file. */
    district: z.string().nullable(),
    budgetCents: Cents,
    phase: z.string(),
  })
  .meta({ id: 'PabulibImportReport' });
export type PabulibImportReport = z.infer<typeof PabulibImportReport>;

export const PabulibExportQuery = z.object({
  /** Which pool to export when a vote round has several: a district id, or `citywide`. */
  district: z.union([Id, z.literal('citywide')]).optional(),
});

/** Whether a ballot keeps the rules, as the first broken one: the server sends the same as a 400. */
export type BallotRefusal = { code: string; detail: string; figures: Record<string, unknown> };

export function ballotRefusal(rules: BallotRules, choices: Record<string, number>): BallotRefusal | null {
  const entries = Object.entries(choices).filter(([, value]) => value > 0);
  if (entries.length === 0) return null;
  if (rules.kind === 'approval') {
    const count = entries.length;
    if (count < rules.minProjects) {
      return { code: 'too_few_projects', detail: `Approve at least ${rules.minProjects} projects; this ballot approves ${count}.`, figures: { minProjects: rules.minProjects, approved: count } };
    }
    if (rules.maxProjects !== null && count > rules.maxProjects) {
      return { code: 'too_many_projects', detail: `Approve at most ${rules.maxProjects} projects; this ballot approves ${count}.`, figures: { maxProjects: rules.maxProjects, approved: count } };
    }
    return null;
  }
  const over = entries.find(([, value]) => value > rules.maxPerProject);
  if (over) {
    return {
      code: 'too_many_points_on_project',
      detail: `At most ${rules.maxPerProject} points on one project; this ballot gives ${over[1]}.`,
      figures: { maxPerProject: rules.maxPerProject, bucketId: over[0], points: over[1] },
    };
  }
  const total = entries.reduce((sum, [, value]) => sum + value, 0);
  if (total > rules.maxTotal) {
    return { code: 'too_many_points', detail: `At most ${rules.maxTotal} points in all; this ballot gives ${total}.`, figures: { maxTotal: rules.maxTotal, total } };
  }
  return null;
}

export const VoteBucketParams = z.object({ bucketId: Id });
