import type { Indexed } from './election.ts';
import { greedyPass } from './greedy.ts';
import { mergeBallots, mesRunFiltered } from './mes-filter.ts';
import { effectiveOf, mesRun, moneyOverD, paymentOverD, priceOf, reduceOver, type Run } from './mes-run.ts';
import { assemble, greedyOutcome } from './outcome.ts';
import { mulInt } from './ratio.ts';
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

/**
 * `filter` (default on) lets Add1 try each endowment with the float filter first
 * (mes-filter.ts), falling back to the exact computation when it cannot decide; the endowment
 * finally kept is always computed exactly. Off, every endowment is computed exactly.
 */
export function countMes(ix: Indexed, rule: Extract<CountRule, { kind: 'mes' }>, filter = true): Outcome {
  const n = BigInt(ix.voters.length);
  const step = rule.add1Step ?? 100n;
  if (step <= 0n) throw new RangeError('add1Step must be positive');
  const num = (k: bigint) => (n === 0n ? 0n : ix.budget + k * step * n);
  const den = n === 0n ? 1n : n;
  const runAt = (k: bigint): Run => mesRun(ix, num(k), den);
  const merged = filter ? mergeBallots(ix) : undefined;
  const selectionAt = (k: bigint, stopAbove?: bigint): number[] =>
    (merged ? mesRunFiltered(ix, num(k), den, { merged, ...(stopAbove === undefined ? {} : { stopAbove }) }) : null) ?? selectedOf(runAt(k));
  let current = selectionAt(0n);
  let runs = 1;
  let increments = 0;
  let stop: MesDetails['stop'] = 'no-completion';
  if (rule.completion === 'add1') {
    for (;;) {
      if (isExhaustive(ix, current)) {
        stop = 'exhaustive';
        break;
      }
      // Only whether it exceeds the budget matters if it does: the filter may stop there.
      const next = selectionAt(BigInt(increments + 1), ix.budget);
      runs++;
      if (cost(ix, next) > ix.budget) {
        stop = 'next-exceeds-budget';
        break;
      }
      current = next;
      increments++;
    }
  }
  const run = runAt(BigInt(increments));

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

  // Every figure below is summed as an integer over the final common denominator d, then
  // reduced once (reduceOver): no gcd of big numbers per voter.
  const F = run.factors;
  // A class's payments, from the first purchase: the same for all its voters, built on demand
  // (parents before children) and shared. Voters paying the full price of a purchase (for the
  // same points) pay the same amount: a few recent amounts per purchase are remembered, as
  // bigint keys hash slowly.
  const reducedIn: [bigint, Ratio][][] = [];
  const amountOf = (c: number): Ratio => {
    const epoch = run.clsEpoch[c] ?? 0;
    const payNum = run.payNum[c] ?? 0n;
    const recent = (reducedIn[epoch] ??= []);
    let amount = recent.find(([num]) => num === payNum)?.[1];
    if (!amount) {
      amount = reduceOver(payNum, F.slice(0, epoch + 1));
      if (recent.length < 8) recent.push([payNum, amount]);
    }
    return amount;
  };
  const paymentsOfClass = new Map<number, Spending[]>();
  const paymentsOf = (c: number): Spending[] => {
    let list = paymentsOfClass.get(c);
    if (list) return list;
    const parent = run.clsParent[c] ?? -1;
    list = parent < 0 ? [] : [...paymentsOf(parent), { project: ix.ids[run.clsProject[c] ?? 0] ?? '', amount: amountOf(c) }];
    paymentsOfClass.set(c, list);
    return list;
  };
  const endowmentOverD = run.endowment.num * (run.d / run.endowment.den);

  // Why each supported project was not bought: its supporters' money left and where the rest went.
  const isBought = new Set(bought);
  for (let p = 0; p < ix.ids.length; p++) {
    if (isBought.has(p) || (ix.support[p] ?? 0) === 0) continue;
    const perClass = new Map<number, number>();
    for (let k = ix.supStart[p] ?? 0; k < (ix.supStart[p + 1] ?? 0); k++) {
      const cls = run.voterClass[ix.supVoter[k] ?? 0] ?? 0;
      perClass.set(cls, (perClass.get(cls) ?? 0) + 1);
    }
    let left = 0n;
    for (const [cls, m] of perClass) left += moneyOverD(run, cls) * BigInt(m);
    // Each class but the first is one payment, made by every voter of the classes below it:
    // count the supporters below each class (children come after their parent), then sum.
    const below = new Map(perClass);
    const walked = new Set<number>();
    for (const cls of perClass.keys())
      for (let c = cls; c >= 0 && !walked.has(c); c = run.clsParent[c] ?? -1) {
        walked.add(c);
        if (!below.has(c)) below.set(c, 0);
      }
    const spent = new Map<number, bigint>();
    for (const c of [...below.keys()].sort((x, y) => y - x)) {
      const parent = run.clsParent[c] ?? -1;
      if (parent < 0) continue;
      const m = below.get(c) ?? 0;
      below.set(parent, (below.get(parent) ?? 0) + m);
      const q = run.clsProject[c] ?? 0;
      spent.set(q, (spent.get(q) ?? 0n) + paymentOverD(run, c) * BigInt(m));
    }
    const spentOn = [...spent].map(([q, over]) => ({ project: ix.ids[q] ?? '', over }));
    spentOn.sort((x, y) => (x.over > y.over ? -1 : x.over < y.over ? 1 : x.project < y.project ? -1 : x.project > y.project ? 1 : 0));
    reasons.set(p, {
      code: 'mes-unaffordable',
      supportersEndowment: mulInt(run.endowment, BigInt(ix.supporters[p] ?? 0)),
      supportersLeft: reduceOver(left, F),
      spentOn: spentOn.map((s) => ({ project: s.project, amount: reduceOver(s.over, F) })),
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

  const spentOfClass = new Map<number, Ratio>();
  const shares: VoterShare[] = ix.voters.map((voter, v) => {
    const cls = run.voterClass[v] ?? 0;
    let spent = spentOfClass.get(cls);
    if (!spent) {
      // Many voters spent everything: their share is the endowment, already reduced.
      spent = run.clsNum[cls] === 0n ? run.endowment : reduceOver(endowmentOverD - moneyOverD(run, cls), F);
      spentOfClass.set(cls, spent);
    }
    return { voter, spent, payments: paymentsOf(cls) };
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
