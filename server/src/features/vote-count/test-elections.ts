import { ratio } from './ratio.ts';
import type { Ballot, Election, Outcome, Ratio } from './types.ts';

/** Small elections written in whole currency units, as the published examples are (×100 to cents). */
export function approvalElection(budget: number, costs: Record<string, number>, ballots: string[][]): Election {
  return {
    budget: BigInt(budget) * 100n,
    projects: Object.entries(costs).map(([id, cost]) => ({ id, cost: BigInt(cost) * 100n })),
    ballots: ballots.map((approved, i): Ballot => ({ voter: `v${i + 1}`, kind: 'approval', approved })),
  };
}

export function pointsElection(budget: number, costs: Record<string, number>, ballots: Record<string, number>[]): Election {
  return {
    budget: BigInt(budget) * 100n,
    projects: Object.entries(costs).map(([id, cost]) => ({ id, cost: BigInt(cost) * 100n })),
    ballots: ballots.map((points, i): Ballot => ({ voter: `v${i + 1}`, kind: 'points', points })),
  };
}

/** A fraction of whole currency units, in cents: units(425, 7) = 42500/7 cents. */
export const units = (num: number, den = 1): Ratio => ratio(BigInt(num) * 100n, BigInt(den));

export function reasonOf(outcome: Outcome, id: string) {
  const r = outcome.projects.find((p) => p.id === id);
  if (!r) throw new Error(`no project ${id}`);
  return r.reason;
}
