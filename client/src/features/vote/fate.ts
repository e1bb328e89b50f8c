import type { PoolResult, ProjectFate } from '@cagnotte/shared';

type Ratio = { num: string; den: string };
const isRatio = (v: unknown): v is Ratio => typeof v === 'object' && v !== null && 'num' in v && 'den' in v;

/** Cents as the count wrote them (a decimal string, or an exact fraction), as a number for display only. */
export function centsOf(value: unknown): number {
  if (typeof value === 'string' || typeof value === 'number') return Number(value);
  if (isRatio(value)) return Math.round(Number(value.num) / Number(value.den));
  return 0;
}

/** A fraction for display (effective support), to two decimals. */
export function ratioNumber(value: unknown): number {
  return isRatio(value) ? Math.round((Number(value.num) * 100) / Number(value.den)) / 100 : Number(value ?? 0);
}

/** The key of the words explaining a project's fate, and their figures (amounts still in cents). */
export function fateWords(fate: ProjectFate, pool: PoolResult): { key: string; cents: Record<string, number>; plain: Record<string, string | number> } {
  const r = fate.reason;
  const titles = new Map(pool.projects.map((p) => [p.ref, p.title]));
  switch (r.code) {
    case 'greedy-selected':
    case 'completion-selected':
      return { key: r.code, cents: { left: centsOf(r.budgetLeft), cost: fate.costCents }, plain: { rank: Number(r.rank) } };
    case 'greedy-too-expensive':
      return { key: r.code, cents: { left: centsOf(r.budgetLeft), cost: fate.costCents }, plain: { rank: Number(r.rank) } };
    case 'mes-selected':
      return { key: r.code, cents: { price: centsOf(r.price) }, plain: { round: Number(r.round), effective: ratioNumber(r.effectiveSupport), payers: Number(r.payers) + Number(r.partialPayers) } };
    case 'mes-unaffordable': {
      const spent = Array.isArray(r.spentOn) ? (r.spentOn as { project: string; amount: unknown }[]) : [];
      const top = spent[0];
      return {
        key: top ? 'mes-unaffordable-spent' : 'mes-unaffordable',
        cents: { left: centsOf(r.supportersLeft), endowment: centsOf(r.supportersEndowment), cost: fate.costCents, ...(top ? { topAmount: centsOf(top.amount) } : {}) },
        plain: { top: top ? titles.get(top.project) ?? top.project : '' },
      };
    }
    default:
      return { key: r.code === 'no-support' || r.code === 'mes-free' ? r.code : 'other', cents: {}, plain: { code: r.code } };
  }
}
