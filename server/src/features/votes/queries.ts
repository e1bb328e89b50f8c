import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { BallotRules, CountRule, VoteSettings } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { buckets, voteBallots, voteDistricts, voteProjectDistricts, voteProjectRefs, voteSettings } from '../../db/schema.ts';
import type { VoteProject } from './rules.ts';

export type StoredSettings = { budgetCents: number; ballot: BallotRules; rule: CountRule; hideCounts: boolean };

/** Before an admin saves any: a budget of 0, approval of at least one project, greedy, counts shown. */
export const DEFAULT_SETTINGS: StoredSettings = { budgetCents: 0, ballot: { kind: 'approval', minProjects: 1, maxProjects: null }, rule: { kind: 'greedy' }, hideCounts: false };

export async function storedSettings(ex: Executor, roundId: string): Promise<StoredSettings | null> {
  const [row] = await ex.select().from(voteSettings).where(eq(voteSettings.roundId, roundId));
  return row ? { budgetCents: row.budgetCents, ballot: row.ballot, rule: row.rule, hideCounts: row.hideCounts } : null;
}

export async function districtsOf(ex: Executor, roundId: string) {
  return ex
    .select({ id: voteDistricts.id, name: voteDistricts.name, budgetCents: voteDistricts.budgetCents })
    .from(voteDistricts)
    .where(eq(voteDistricts.roundId, roundId))
    .orderBy(asc(voteDistricts.position), asc(voteDistricts.id));
}

export async function projectDistrictsOf(ex: Executor, roundId: string): Promise<Record<string, string>> {
  const rows = await ex
    .select({ bucketId: voteProjectDistricts.bucketId, districtId: voteProjectDistricts.districtId })
    .from(voteProjectDistricts)
    .innerJoin(buckets, eq(buckets.id, voteProjectDistricts.bucketId))
    .where(eq(buckets.roundId, roundId));
  return Object.fromEntries(rows.map((r) => [r.bucketId, r.districtId]));
}

export async function readSettings(ex: Executor, roundId: string): Promise<VoteSettings> {
  const settings = (await storedSettings(ex, roundId)) ?? DEFAULT_SETTINGS;
  return { roundId, ...settings, districts: await districtsOf(ex, roundId), projectDistricts: await projectDistrictsOf(ex, roundId) };
}

/** The projects on the ballot paper: the round's open buckets, their cost (the maximum) and district. */
export async function openProjects(ex: Executor, roundId: string, statuses: readonly ('open' | 'funded' | 'not_funded')[] = ['open']): Promise<VoteProject[]> {
  const rows = await ex
    .select({ id: buckets.id, title: buckets.title, costCents: buckets.maxCents, districtId: voteProjectDistricts.districtId, externalId: voteProjectRefs.externalId })
    .from(buckets)
    .leftJoin(voteProjectDistricts, eq(voteProjectDistricts.bucketId, buckets.id))
    .leftJoin(voteProjectRefs, eq(voteProjectRefs.bucketId, buckets.id))
    .where(and(eq(buckets.roundId, roundId), inArray(buckets.status, [...statuses])))
    .orderBy(asc(buckets.createdAt), asc(buckets.id));
  return rows.map(({ externalId, ...r }) => ({ ...r, districtId: r.districtId ?? null, ref: externalId ?? r.id }));
}

/** Every ballot of the round, with a voter key that is unique in it: `m:<membership>` or `x:<file's voter id>`. */
export async function ballotsOf(ex: Executor, roundId: string) {
  const rows = await ex
    .select({ membershipId: voteBallots.membershipId, externalVoter: voteBallots.externalVoter, districtId: voteBallots.districtId, choices: voteBallots.choices })
    .from(voteBallots)
    // An empty ballot (withdrawn, or only a district set by staff) is no vote.
    .where(and(eq(voteBallots.roundId, roundId), sql`${voteBallots.choices} <> '{}'::jsonb`))
    .orderBy(asc(voteBallots.createdAt), asc(voteBallots.id));
  return rows.map((r) => ({ voter: r.membershipId ? `m:${r.membershipId}` : `x:${r.externalVoter ?? ''}`, districtId: r.districtId, choices: r.choices }));
}

/** Adds each delta to its bucket's support (`contributors`), bumping the version the live board follows. */
export async function moveSupport(ex: Executor, delta: ReadonlyMap<string, number>): Promise<void> {
  if (delta.size === 0) return;
  const ids = [...delta.keys()];
  const values = ids.map((id) => delta.get(id) ?? 0);
  await ex.execute(sql`
    UPDATE buckets b SET contributors = b.contributors + d.delta, funding_version = b.funding_version + 1
    FROM unnest(${sql.param(ids)}::uuid[], ${sql.param(values)}::int[]) AS d(id, delta)
    WHERE b.id = d.id`);
}
