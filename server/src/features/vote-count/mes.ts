import { assemble, greedyOutcome } from './outcome.ts';
import type { Indexed } from './election.ts';
import { greedyPass, tieBreak } from './greedy.ts';
import { add, cmp, div, mulInt, ratio, ZERO } from './ratio.ts';
import type { CountRule, MesDetails, Outcome, Ratio, Reason, Spending, Tie, VoterShare } from './types.ts';

/**
 * The Method of Equal Shares as equalshares.net specifies it (and pabutools computes it with
 * `Cost_Sat` for approval ballots): every voter gets an equal share of the budget; in each
 * round, among the projects whose supporters can still pay for them, the one with the highest
 * effective support (cost ÷ the price each fully paying supporter pays) is bought, its cost
 * split as equally as possible (per point, for points ballots: utility = points × cost).
 *
 * Voters are kept in classes: all voters start in one class with the equal share, and buying a
 * project moves its supporters (with the same points for it) from their class to a child class
 * holding the same remaining money. Voters of a class have the same money left, so a project's
 * split is computed over the classes of its supporters, not over each voter, and every figure
 * stays an exact fraction.
 */

type Purchase = { project: number; round: number; price: Ratio; effective: Ratio; payers: number; partialPayers: number };

type Run = {
  endowment: Ratio;
  bought: Purchase[];
  free: number[];
  ties: Tie[];
  voterClass: Int32Array;
  clsBudget: Ratio[];
  clsParent: number[];
  clsProject: number[];
  clsPayment: Ratio[];
};

type Group = { cls: number; util: number; members: number; budget: Ratio };

type Split = { price: Ratio; effective: Ratio; payers: number; partialPayers: number } | null;

/** The supporters of `p` grouped by class (and points, for points ballots). */
function groupsOf(ix: Indexed, run: Run, p: number, scratch: Scratch): Group[] {
  const groups: Group[] = [];
  const end = ix.supStart[p + 1] ?? 0;
  scratch.epoch++;
  if (scratch.mark.length < run.clsBudget.length) scratch.grow(run.clsBudget.length * 2);
  const { mark, slot } = scratch;
  const epoch = scratch.epoch;
  if (ix.kind === 'approval') {
    for (let k = ix.supStart[p] ?? 0; k < end; k++) {
      const cls = run.voterClass[ix.supVoter[k] ?? 0] ?? 0;
      if (mark[cls] === epoch) {
        const g = groups[slot[cls] ?? 0];
        if (g) g.members++;
      } else {
        mark[cls] = epoch;
        slot[cls] = groups.length;
        groups.push({ cls, util: 1, members: 1, budget: run.clsBudget[cls] ?? ZERO });
      }
    }
    return groups;
  }
  const at = new Map<number, number>();
  for (let k = ix.supStart[p] ?? 0; k < end; k++) {
    const cls = run.voterClass[ix.supVoter[k] ?? 0] ?? 0;
    const util = ix.supUtil[k] ?? 1;
    const key = cls * ix.keySpan + util;
    const i = at.get(key);
    if (i !== undefined) {
      const g = groups[i];
      if (g) g.members++;
    } else {
      at.set(key, groups.length);
      groups.push({ cls, util, members: 1, budget: run.clsBudget[cls] ?? ZERO });
    }
  }
  return groups;
}

class Scratch {
  epoch = 0;
  mark = new Int32Array(0);
  slot = new Int32Array(0);
  grow(size: number) {
    const mark = new Int32Array(size);
    mark.set(this.mark);
    this.mark = mark;
    this.slot = new Int32Array(size);
  }
}

/**
 * Splits `cost` as equally as possible between the groups (payment min(budget, price × util)):
 * the smallest price per utility unit that the supporters can pay, or null when their money
 * left does not cover the cost.
 */
function split(cost: bigint, groups: Group[]): Split {
  // Poorest first, relative to their utility: those who cannot pay the price give all they have.
  groups.sort((a, b) => (a.util === b.util ? cmp(a.budget, b.budget) : cmp(mulInt(a.budget, BigInt(b.util)), mulInt(b.budget, BigInt(a.util)))));
  let paid = ZERO;
  let weight = 0n;
  for (const g of groups) weight += BigInt(g.members * g.util);
  let partialPayers = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as Group;
    // price = (cost − paid) / weight; can this group pay price × util?  (cost·pd − pn)·u·bd ≤ bn·pd·weight
    const top = cost * paid.den - paid.num;
    if (top * BigInt(g.util) * g.budget.den <= g.budget.num * paid.den * weight) {
      const price = ratio(top, paid.den * weight);
      let payers = 0;
      for (let j = i; j < groups.length; j++) payers += (groups[j] as Group).members;
      return { price, effective: div(ratio(cost), price), payers, partialPayers };
    }
    paid = add(paid, mulInt(g.budget, BigInt(g.members)));
    weight -= BigInt(g.members * g.util);
    if (g.budget.num > 0n) partialPayers += g.members;
  }
  return null;
}

/** One computation of Equal Shares with every voter holding `endowment`. */
function mesRun(ix: Indexed, endowment: Ratio): Run {
  const P = ix.ids.length;
  const run: Run = {
    endowment,
    bought: [],
    free: [],
    ties: [],
    voterClass: new Int32Array(ix.voters.length),
    clsBudget: [endowment],
    clsParent: [-1],
    clsProject: [-1],
    clsPayment: [ZERO],
  };
  const scratch = new Scratch();
  // Upper bounds of each project's effective support: it only decreases as money is spent.
  const bound = new Map<number, Ratio>();
  for (let p = 0; p < P; p++) {
    if ((ix.support[p] ?? 0) === 0) continue;
    if ((ix.costs[p] ?? 0n) === 0n) run.free.push(p);
    else bound.set(p, ratio(BigInt(ix.support[p] ?? 0)));
  }
  let round = 0;
  for (;;) {
    const order = [...bound.keys()].sort((a, b) => cmp(bound.get(b) ?? ZERO, bound.get(a) ?? ZERO) || tieBreak(ix, a, b));
    let best: Ratio | null = null;
    let tied: { p: number; s: NonNullable<Split> }[] = [];
    for (const p of order) {
      const b = bound.get(p) ?? ZERO;
      if (best && cmp(b, best) < 0) break; // cannot beat (or tie) the best so far
      const s = split(ix.costs[p] ?? 0n, groupsOf(ix, run, p, scratch));
      if (!s) {
        bound.delete(p);
        continue;
      }
      bound.set(p, s.effective);
      const c = best ? cmp(s.effective, best) : 1;
      if (c > 0) {
        best = s.effective;
        tied = [{ p, s }];
      } else if (c === 0) tied.push({ p, s });
    }
    if (tied.length === 0) break;
    tied.sort((a, b) => tieBreak(ix, a.p, b.p));
    const chosen = tied[0] as (typeof tied)[number];
    if (tied.length > 1) run.ties.push({ stage: 'mes', among: tied.map((t) => ix.ids[t.p] ?? ''), chosen: ix.ids[chosen.p] ?? '' });
    round++;
    run.bought.push({ project: chosen.p, round, ...chosen.s });
    bound.delete(chosen.p);
    charge(ix, run, chosen.p, chosen.s.price);
  }
  return run;
}

/** Every supporter pays min(money left, price × util); supporters move to child classes. */
function charge(ix: Indexed, run: Run, p: number, price: Ratio) {
  const child = new Map<number, number>();
  const end = ix.supStart[p + 1] ?? 0;
  for (let k = ix.supStart[p] ?? 0; k < end; k++) {
    const v = ix.supVoter[k] ?? 0;
    const util = ix.supUtil[k] ?? 1;
    const cls = run.voterClass[v] ?? 0;
    const key = cls * ix.keySpan + util;
    let to = child.get(key);
    if (to === undefined) {
      const budget = run.clsBudget[cls] ?? ZERO;
      const due = util === 1 ? price : mulInt(price, BigInt(util));
      if (budget.num === 0n) to = cls; // nothing left to pay: stays where it is
      else {
        const payment = cmp(due, budget) < 0 ? due : budget;
        to = run.clsBudget.length;
        run.clsBudget.push(cmp(due, budget) < 0 ? ratio(budget.num * due.den - due.num * budget.den, budget.den * due.den) : ZERO);
        run.clsParent.push(cls);
        run.clsProject.push(p);
        run.clsPayment.push(payment);
      }
      child.set(key, to);
    }
    run.voterClass[v] = to;
  }
}

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
  const endowmentAt = (k: bigint): Ratio => (n === 0n ? ZERO : ratio(ix.budget + k * step * n, n));
  let run = mesRun(ix, endowmentAt(0n));
  let runs = 1;
  let increments = 0;
  let stop: MesDetails['stop'] = 'no-completion';
  if (rule.completion === 'add1') {
    for (;;) {
      if (isExhaustive(ix, selectedOf(run))) {
        stop = 'exhaustive';
        break;
      }
      const next = mesRun(ix, endowmentAt(BigInt(increments + 1)));
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
      effectiveSupport: b.effective,
      price: b.price,
      payers: b.payers,
      partialPayers: b.partialPayers,
    });

  // What each class's voters paid, oldest purchase first (a child class comes after its parent).
  const chains: Spending[][] = [];
  for (let c = 0; c < run.clsBudget.length; c++) {
    const parent = run.clsParent[c] ?? -1;
    chains.push(parent < 0 ? [] : [...(chains[parent] ?? []), { project: ix.ids[run.clsProject[c] ?? 0] ?? '', amount: run.clsPayment[c] ?? ZERO }]);
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
      left = add(left, mulInt(run.clsBudget[cls] ?? ZERO, BigInt(m)));
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
