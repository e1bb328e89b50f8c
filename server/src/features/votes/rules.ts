import { ballotRefusal, type BallotInput, type BallotRules, type CountRule as CountRuleInput, type PoolResult, type ProjectFate } from '@cagnotte/shared';
import type { Ballot as CountBallot, CountRule, Election, Outcome } from '../vote-count/index.ts';

export type Refusal = { status: 400 | 409; code: string; detail: string; figures?: Record<string, unknown> };

/**
 * An open project of the vote: its cost, its district (null: city-wide) and `ref`, the id the
 * count knows it by — the Pabulib file's project id when it was imported (the written tie rule
 * compares ids, so a re-imported file counts the same), else the bucket id.
 */
export type VoteProject = { id: string; title: string; costCents: number; districtId: string | null; ref: string };

/**
 * Checks a ballot against the round: its kind, the voter's district (fixed by the first ballot;
 * required when the round has districts), projects open in this round and in the voter's
 * district or city-wide, then the ballot's rules. Returns the choices to store, or the first
 * refusal, with the figures that explain it.
 */
export function checkBallot(
  input: BallotInput,
  round: { rules: BallotRules; districtIds: ReadonlySet<string>; projects: ReadonlyMap<string, VoteProject>; currentDistrictId: string | null | undefined },
): { districtId: string | null; choices: Record<string, number> } | Refusal {
  if (input.kind !== round.rules.kind) {
    return { status: 400, code: 'ballot_kind_mismatch', detail: `This round's ballots are ${round.rules.kind} ballots, not ${input.kind}.`, figures: { expected: round.rules.kind } };
  }
  let districtId: string | null = input.districtId ?? round.currentDistrictId ?? null;
  if (round.currentDistrictId !== undefined && round.currentDistrictId !== null && input.districtId !== undefined && input.districtId !== round.currentDistrictId) {
    return { status: 409, code: 'district_fixed', detail: 'The voter’s district was set by their first ballot and cannot change.', figures: { districtId: round.currentDistrictId } };
  }
  if (districtId !== null && !round.districtIds.has(districtId)) {
    return { status: 400, code: 'unknown_district', detail: 'No such district in this round.', figures: { districtId } };
  }
  if (districtId === null && round.districtIds.size > 0) {
    return { status: 400, code: 'district_required', detail: 'This round has districts: say which one the voter lives in (districtId).' };
  }
  if (round.districtIds.size === 0) districtId = null;

  const choices: Record<string, number> = {};
  if (input.kind === 'approval') {
    const seen = new Set<string>();
    for (const id of input.approved) {
      if (seen.has(id)) return { status: 400, code: 'duplicate_project', detail: 'A project is approved twice.', figures: { bucketId: id } };
      seen.add(id);
      choices[id] = 1;
    }
  } else {
    for (const [id, points] of Object.entries(input.points)) if (points > 0) choices[id] = points;
  }
  const unknown = Object.keys(choices).filter((id) => {
    const project = round.projects.get(id);
    return !project || (project.districtId !== null && project.districtId !== districtId);
  });
  if (unknown.length > 0) {
    return {
      status: 400,
      code: 'unknown_project',
      detail: `${unknown.length} project(s) of this ballot are not on the voter's ballot paper (not open in this round, or of another district).`,
      figures: { bucketIds: unknown },
    };
  }
  const broken = ballotRefusal(round.rules, choices);
  if (broken) return { status: 400, code: broken.code, detail: broken.detail, figures: broken.figures };
  return { districtId, choices };
}

export const isRefusal = (value: ReturnType<typeof checkBallot>): value is Refusal => 'code' in value;

/** How a ballot change moves each project's support: new minus old, zeros left out. */
export function supportDelta(before: Record<string, number>, after: Record<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [id, points] of Object.entries(after)) delta.set(id, points);
  for (const [id, points] of Object.entries(before)) delta.set(id, (delta.get(id) ?? 0) - points);
  for (const [id, value] of delta) if (value === 0) delta.delete(id);
  return delta;
}

export function toCountRule(rule: CountRuleInput): CountRule {
  return rule.kind === 'greedy' ? { kind: 'greedy' } : { kind: 'mes', completion: rule.completion, compareWithGreedy: rule.compareWithGreedy };
}

/**
 * A pool's election: its projects (costs in cents) and the ballots of the voters who may vote on
 * them — city-wide projects are on every ballot paper, a district's only on its voters'.
 */
export function electionOf(
  pool: { districtId: string | null; budgetCents: number },
  projects: readonly VoteProject[],
  ballots: readonly { voter: string; districtId: string | null; choices: Record<string, number> }[],
  rules: BallotRules,
): Election {
  const own = projects.filter((p) => p.districtId === pool.districtId);
  const refs = new Map(own.map((p) => [p.id, p.ref]));
  const voters = pool.districtId === null ? ballots : ballots.filter((b) => b.districtId === pool.districtId);
  return {
    budget: BigInt(pool.budgetCents),
    projects: own.map((p) => ({ id: p.ref, cost: BigInt(p.costCents) })),
    ballots: voters.map((b): CountBallot => {
      const mine = Object.entries(b.choices).flatMap(([id, points]): [string, number][] => {
        const ref = refs.get(id);
        return ref === undefined ? [] : [[ref, points]];
      });
      return rules.kind === 'approval'
        ? { voter: b.voter, kind: 'approval', approved: mine.map(([id]) => id) }
        : { voter: b.voter, kind: 'points', points: Object.fromEntries(mine) };
    }),
  };
}

/** bigints as decimal strings, fractions as `{num, den}` strings: JSON that keeps every figure exact. */
export function exactJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(exactJson);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exactJson(v)]));
  return value;
}

/** The tie rule in words, for the results page and the files. */
export const TIE_RULE_WORDS = 'Among tied projects: the lower cost first, then the higher support, then the smaller project id.';

/** What the close stores for one pool: every project's fate with its exact figures, and the round's figures. */
export function poolResult(
  pool: { districtId: string | null; name: string | null; budgetCents: number },
  projects: readonly VoteProject[],
  election: Election,
  outcome: Outcome,
): PoolResult {
  const byRef = new Map(projects.map((p) => [p.ref, p]));
  const selected = new Set(outcome.selected);
  const voters = election.ballots.length;
  const satisfied = election.ballots.filter((b) => (b.kind === 'approval' ? b.approved : Object.keys(b.points).filter((id) => (b.points[id] ?? 0) > 0)).some((id) => selected.has(id))).length;
  const fates: ProjectFate[] = outcome.projects.map((p) => ({
    bucketId: byRef.get(p.id)?.id ?? p.id,
    ref: p.id,
    title: byRef.get(p.id)?.title ?? '',
    costCents: Number(p.cost),
    support: p.support,
    supporters: p.supporters,
    selected: p.selected,
    reason: exactJson(p.reason) as ProjectFate['reason'],
  }));
  return {
    districtId: pool.districtId,
    name: pool.name,
    budgetCents: pool.budgetCents,
    usedCents: Number(outcome.used),
    voters,
    satisfiedVotersBp: voters === 0 ? 0 : Math.floor((satisfied * 10_000) / voters),
    tieRule: TIE_RULE_WORDS,
    decidedBy: outcome.rule.kind === 'greedy' ? 'greedy' : outcome.mes?.comparison?.chosen === 'greedy' ? 'greedy-by-comparison' : 'mes',
    projects: fates,
  };
}
