import type { Indexed } from './election.ts';
import { greedyPass } from './greedy.ts';
import { TIE_BREAK, type CountRule, type Outcome, type ProjectResult, type Reason } from './types.ts';

export function greedyOutcome(ix: Indexed, rule: CountRule): Outcome {
  const pass = greedyPass(ix, new Set(), ix.budget, 'greedy');
  const reasons = new Map<number, Reason>();
  for (const t of pass.turns)
    reasons.set(t.project, { code: t.taken ? 'greedy-selected' : 'greedy-too-expensive', rank: t.rank, budgetLeft: t.budgetLeft });
  return assemble(ix, rule, pass.taken, reasons, pass.ties);
}

/** The outcome's common part: per-project results in the election's order, budget used, exhaustiveness. */
export function assemble(
  ix: Indexed,
  rule: CountRule,
  selected: number[],
  reasons: Map<number, Reason>,
  ties: Outcome['ties'],
): Outcome {
  const isSelected = new Set(selected);
  let used = 0n;
  for (const p of selected) used += ix.costs[p] ?? 0n;
  const left = ix.budget - used;
  const projects: ProjectResult[] = ix.ids.map((id, p) => ({
    id,
    cost: ix.costs[p] ?? 0n,
    support: ix.support[p] ?? 0,
    supporters: ix.supporters[p] ?? 0,
    selected: isSelected.has(p),
    reason: reasons.get(p) ?? { code: 'no-support' },
  }));
  const exhaustive = projects.every((r) => r.selected || r.support === 0 || r.cost > left);
  return {
    rule,
    tieBreak: TIE_BREAK,
    selected: selected.map((p) => ix.ids[p] ?? ''),
    budget: ix.budget,
    used,
    exhaustive,
    projects,
    ties,
  };
}
