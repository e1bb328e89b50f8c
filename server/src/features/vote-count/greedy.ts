import type { Indexed } from './election.ts';
import type { Tie } from './types.ts';

/** The written tie-break (TIE_BREAK): lower cost, then more support, then the smaller id. */
export function tieBreak(ix: Indexed, a: number, b: number): number {
  const ca = ix.costs[a] ?? 0n;
  const cb = ix.costs[b] ?? 0n;
  if (ca !== cb) return ca < cb ? -1 : 1;
  const sa = ix.support[a] ?? 0;
  const sb = ix.support[b] ?? 0;
  if (sa !== sb) return sb - sa;
  const ia = ix.ids[a] ?? '';
  const ib = ix.ids[b] ?? '';
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** Projects with support, by decreasing support, ties by the written rule. */
export function greedyRanking(ix: Indexed): number[] {
  const ranked: number[] = [];
  for (let p = 0; p < ix.ids.length; p++) if ((ix.support[p] ?? 0) > 0) ranked.push(p);
  return ranked.sort((a, b) => (ix.support[b] ?? 0) - (ix.support[a] ?? 0) || tieBreak(ix, a, b));
}

export type GreedyTurn = { project: number; rank: number; budgetLeft: bigint; taken: boolean };

export type GreedyPass = { taken: number[]; turns: GreedyTurn[]; left: bigint; ties: Tie[] };

/**
 * Goes down the ranking and takes each project not yet `already` taken that still fits in
 * `left` (exhaustive: a project too expensive is skipped, the next ones still get their turn).
 * A tie is reported where projects of equal support were not all taken alike, that is where
 * the tie-break decided which.
 */
export function greedyPass(ix: Indexed, already: ReadonlySet<number>, left: bigint, stage: Tie['stage']): GreedyPass {
  const ranking = greedyRanking(ix);
  const taken: number[] = [];
  const turns: GreedyTurn[] = [];
  ranking.forEach((p, i) => {
    if (already.has(p)) return;
    const cost = ix.costs[p] ?? 0n;
    const fits = cost <= left;
    turns.push({ project: p, rank: i + 1, budgetLeft: left, taken: fits });
    if (fits) {
      taken.push(p);
      left -= cost;
    }
  });
  const ties: Tie[] = [];
  for (let i = 0; i < turns.length; ) {
    let j = i + 1;
    const s = ix.support[turns[i]?.project ?? 0];
    while (j < turns.length && ix.support[turns[j]?.project ?? 0] === s) j++;
    const group = turns.slice(i, j);
    const chosen = group.find((t) => t.taken);
    if (chosen && group.some((t) => !t.taken))
      ties.push({ stage, among: group.map((t) => ix.ids[t.project] ?? ''), chosen: ix.ids[chosen.project] ?? '' });
    i = j;
  }
  return { taken, turns, left, ties };
}
