import type { Indexed } from './election.ts';
import { greedyPass } from './greedy.ts';
import { classMoney, classPayment, effectiveOf, mesRun, priceOf, type Run } from './mes-run.ts';
import { assemble, greedyOutcome } from './outcome.ts';
import { add, cmp, mulInt, ZERO } from './ratio.ts';
import type { CountRule, MesDetails, Outcome, Ratio, Reason, Spending, VoterShare } from './types.ts';

/**
 * Equal Shares with its completion and comparison step, and the explanation of each project's
 * fate from the final computation. Add1 as pabutools' `voter_budget_increment` and
 * equalshares.net's "stop when exhaustive": start from budget ÷ voters; while the outcome is
 * not exhaustive, try the endowment one step higher and keep it if its outcome fits the budget,
 * else stop. Then the greedy completion spends what is left (equalshares.net's Add1u).
 */

function cost(ix: Indexed, projects: Iterable<number>): bigint {
  let total = 0n;
  for (const p of projects) total += ix.costs[p] ?? 0n;
  return total;
}

function selectedOf(run: Run): number[] {
  return [...run.free, ...run.bought.map((b) => b.project)];
}

function isExhaustive(ix: Indexed, selected: number[]): boolean {
  const left = ix.budget - cost(ix, selected);
  const taken = new Set(selected);
  for (let p = 0; p < ix.ids.length; p++)
    if (!taken.has(p) && (ix.support[p] ?? 0) > 0 && (ix.costs[p] ?? 0n) <= left) return false;
  return true;
}

export function countMes(ix: Indexed, rule: Extract<CountRule, { kind: 'mes' }>): Outcome {
  const n = BigInt(ix.voters.length);
  const step = rule.add1Step ?? 100n;
  if (step <= 0n) throw new RangeError('add1Step must be positive');
  const runAt = (k: bigint): Run => (n === 0n ? mesRun(ix, 0n, 1n) : mesRun(ix, ix.budget + k * step * n, n));
  let run = runAt(0n);
  let runs = 1;
  let increments = 0;
  let stop: MesDetails['stop'] = 'no-completion';
  if (rule.completion === 'add1') {
    for (;;) {
      if (isExhaustive(ix, selectedOf(run))) {
        stop = 'exhaustive';
        break;
      }
      const next = runAt(BigInt(increments + 1));
      runs++;
      if (cost(ix, selectedOf(next)) > ix.budget) {
        stop = 'next-exceeds-budget';
        break;
      }
      run = next;
      increments++;
    }
  }

  const bought = selectedOf(run);
  const reasons = new Map<number, Reason>();
  for (const p of run.free) reasons.set(p, { code: 'mes-free' });
  for (const b of run.bought)
    reasons.set(b.project, {
      code: 'mes-selected',
      round: b.round,
      effectiveSupport: effectiveOf(ix, b),
      price: priceOf(b),
      payers: b.payers,
      partialPayers: b.partialPayers,
    });

  // What each class's voters paid, oldest purchase first (a child class comes after its parent).
  const chains: Spending[][] = [];
  for (let c = 0; c < run.clsNum.length; c++) {
    const parent = run.clsParent[c] ?? -1;
    chains.push(parent < 0 ? [] : [...(chains[parent] ?? []), { project: ix.ids[run.clsProject[c] ?? 0] ?? '', amount: classPayment(run, c) }]);
  }
  const spentOfClass = chains.map((chain) => chain.reduce((s, x) => add(s, x.amount), ZERO));

  // Why each supported project was not bought: its supporters' money left and where the rest went.
  const isBought = new Set(bought);
  for (let p = 0; p < ix.ids.length; p++) {
    if (isBought.has(p) || (ix.support[p] ?? 0) === 0) continue;
    const perClass = new Map<number, number>();
    for (let k = ix.supStart[p] ?? 0; k < (ix.supStart[p + 1] ?? 0); k++) {
      const cls = run.voterClass[ix.supVoter[k] ?? 0] ?? 0;
      perClass.set(cls, (perClass.get(cls) ?? 0) + 1);
    }
    let left = ZERO;
    const spent = new Map<string, Ratio>();
    for (const [cls, m] of perClass) {
      left = add(left, mulInt(classMoney(run, cls), BigInt(m)));
      for (const s of chains[cls] ?? []) spent.set(s.project, add(spent.get(s.project) ?? ZERO, mulInt(s.amount, BigInt(m))));
    }
    const spentOn = [...spent].map(([project, amount]) => ({ project, amount }));
    spentOn.sort((a, b) => cmp(b.amount, a.amount) || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
    reasons.set(p, {
      code: 'mes-unaffordable',
      supportersEndowment: mulInt(run.endowment, BigInt(ix.supporters[p] ?? 0)),
      supportersLeft: left,
      spentOn,
    });
  }

  let selected = bought;
  const ties = [...run.ties];
  if (rule.completion === 'add1') {
    const fill = greedyPass(ix, isBought, ix.budget - cost(ix, bought), 'completion');
    for (const t of fill.turns) {
      const r = reasons.get(t.project);
      if (t.taken) reasons.set(t.project, { code: 'completion-selected', rank: t.rank, budgetLeft: t.budgetLeft });
      else if (r?.code === 'mes-unaffordable') reasons.set(t.project, { ...r, completionBudgetLeft: t.budgetLeft });
    }
    selected = [...bought, ...fill.taken];
    ties.push(...fill.ties);
  }

  const shares: VoterShare[] = ix.voters.map((voter, v) => {
    const cls = run.voterClass[v] ?? 0;
    return { voter, spent: spentOfClass[cls] ?? ZERO, payments: chains[cls] ?? [] };
  });
  const mes: MesDetails = { endowment: run.endowment, increments, step, runs, stop, bought: bought.map((p) => ix.ids[p] ?? ''), shares };

  if (rule.compareWithGreedy) {
    const greedy = greedyOutcome(ix, rule);
    const inMes = new Set(selected);
    const inGreedy = new Set(greedy.selected);
    let prefersMes = 0;
    let prefersGreedy = 0;
    for (let v = 0; v < ix.voters.length; v++) {
      let satMes = 0;
      let satGreedy = 0;
      for (let k = ix.balStart[v] ?? 0; k < (ix.balStart[v + 1] ?? 0); k++) {
        const p = ix.balProject[k] ?? 0;
        const u = ix.balUtil[k] ?? 0;
        if (inMes.has(p)) satMes += u;
        if (inGreedy.has(ix.ids[p] ?? '')) satGreedy += u;
      }
      if (satMes > satGreedy) prefersMes++;
      else if (satGreedy > satMes) prefersGreedy++;
    }
    const chosen = prefersGreedy > prefersMes ? 'greedy' : 'mes';
    mes.comparison = { prefersMes, prefersGreedy, chosen };
    if (chosen === 'greedy') return { ...greedy, mes };
  }
  return { ...assemble(ix, rule, selected, reasons, ties), mes };
}
