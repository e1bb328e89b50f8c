import type { Election } from './types.ts';

export type CountInputErrorCode =
  | 'negative-budget'
  | 'bad-cost'
  | 'duplicate-project'
  | 'duplicate-voter'
  | 'unknown-project'
  | 'bad-points'
  | 'mixed-ballots';

/** The election cannot be counted as given (a caller's bug or a bad import): never a partial count. */
export class CountInputError extends Error {
  constructor(
    readonly code: CountInputErrorCode,
    readonly detail: Record<string, string | number>,
  ) {
    super(`${code}: ${JSON.stringify(detail)}`);
    this.name = 'CountInputError';
  }
}

/**
 * The election indexed for counting: projects and voters by position, each project's
 * supporters and each voter's ballot as flat arrays (CSR), utilities as small integers
 * (1 for an approval, the points otherwise).
 */
export type Indexed = {
  kind: 'approval' | 'points';
  budget: bigint;
  ids: string[];
  costs: bigint[];
  voters: string[];
  /** Approvals, or total points. */
  support: number[];
  supporters: number[];
  supStart: Int32Array;
  supVoter: Int32Array;
  supUtil: Int32Array;
  balStart: Int32Array;
  balProject: Int32Array;
  balUtil: Int32Array;
  /** More than the largest utility: (class, utility) pairs key as class × keySpan + utility. */
  keySpan: number;
};

export function indexElection(election: Election): Indexed {
  if (election.budget < 0n) throw new CountInputError('negative-budget', { budget: election.budget.toString() });
  const byId = new Map<string, number>();
  const ids: string[] = [];
  const costs: bigint[] = [];
  for (const p of election.projects) {
    if (byId.has(p.id)) throw new CountInputError('duplicate-project', { project: p.id });
    if (typeof p.cost !== 'bigint' || p.cost < 0n) throw new CountInputError('bad-cost', { project: p.id, cost: String(p.cost) });
    byId.set(p.id, ids.length);
    ids.push(p.id);
    costs.push(p.cost);
  }
  const P = ids.length;
  const kind = election.ballots[0]?.kind ?? 'approval';
  const seen = new Set<string>();
  const voters: string[] = [];
  const balStart = new Int32Array(election.ballots.length + 1);
  const balProject: number[] = [];
  const balUtil: number[] = [];
  const support = new Array<number>(P).fill(0);
  const supporters = new Array<number>(P).fill(0);
  const stamp = new Int32Array(P).fill(-1);
  election.ballots.forEach((ballot, v) => {
    if (ballot.kind !== kind) throw new CountInputError('mixed-ballots', { voter: ballot.voter, kind: ballot.kind, expected: kind });
    if (seen.has(ballot.voter)) throw new CountInputError('duplicate-voter', { voter: ballot.voter });
    seen.add(ballot.voter);
    voters.push(ballot.voter);
    const entries: [string, number][] =
      ballot.kind === 'approval' ? ballot.approved.map((id) => [id, 1]) : Object.entries(ballot.points);
    for (const [id, util] of entries) {
      const p = byId.get(id);
      if (p === undefined) throw new CountInputError('unknown-project', { voter: ballot.voter, project: id });
      if (!Number.isInteger(util) || util < 0 || util > 0x7fffffff)
        throw new CountInputError('bad-points', { voter: ballot.voter, project: id, points: String(util) });
      if (util === 0) continue;
      // An approval listed twice is one approval; points for one project are given once by construction.
      if (stamp[p] === v) continue;
      stamp[p] = v;
      balProject.push(p);
      balUtil.push(util);
      support[p] = (support[p] ?? 0) + util;
      supporters[p] = (supporters[p] ?? 0) + 1;
    }
    balStart[v + 1] = balProject.length;
  });
  const supStart = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) supStart[p + 1] = (supStart[p] ?? 0) + (supporters[p] ?? 0);
  const fill = supStart.slice(0, P);
  const supVoter = new Int32Array(balProject.length);
  const supUtil = new Int32Array(balProject.length);
  for (let v = 0; v < voters.length; v++) {
    for (let k = balStart[v] ?? 0; k < (balStart[v + 1] ?? 0); k++) {
      const p = balProject[k] ?? 0;
      const at = fill[p] ?? 0;
      supVoter[at] = v;
      supUtil[at] = balUtil[k] ?? 0;
      fill[p] = at + 1;
    }
  }
  return {
    kind,
    budget: election.budget,
    ids,
    costs,
    voters,
    support,
    supporters,
    supStart,
    supVoter,
    supUtil,
    balStart,
    balProject: Int32Array.from(balProject),
    balUtil: Int32Array.from(balUtil),
    keySpan: balUtil.reduce((m, u) => Math.max(m, u), 1) + 1,
  };
}
