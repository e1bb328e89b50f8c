import type { Indexed } from './election.ts';
import { tieBreak } from './greedy.ts';
import { ratio } from './ratio.ts';
import type { Ratio, Tie } from './types.ts';

/**
 * One computation of the Method of Equal Shares with every voter holding the same endowment,
 * as equalshares.net specifies it (pabutools' `Cost_Sat` for approval ballots): in each round,
 * among the projects whose supporters can still pay for them, the one with the highest
 * effective support (cost ÷ the price each fully paying supporter pays, per point for points
 * ballots) is bought, its cost split as equally as possible.
 *
 * Exact and fast:
 * - Voters are kept in classes. All start in one; buying a project moves its supporters (with
 *   the same points for it) from their class to a child class. Voters of a class hold the same
 *   money, so a project's split is computed over the classes of its supporters.
 * - All money is an integer numerator over one common denominator D, which buying a project
 *   with W fully paying utility units multiplies by W. A class stores its numerator over the D
 *   of the round it was made in (its epoch); `scale[epoch]` = D now ÷ D then. So no gcd is ever
 *   taken while counting, and comparing two voters' money is comparing two integers.
 * - Each project keeps an upper bound of its effective support (it only decreases as money is
 *   spent); a round re-evaluates projects by decreasing bound and stops as soon as no bound
 *   can reach the best found. Bounds carry a float approximation used only to order them and to
 *   skip a comparison whose exact answer is certain; every decision is taken on integers.
 */

/** An exact value num/den (not reduced) with a float approximation, for ordering only. */
type Approx = { num: bigint; den: bigint; approx: number };

export type Purchase = {
  project: number;
  round: number;
  /** Price per utility unit = top / (weight × d), d the common denominator of that round. */
  top: bigint;
  weight: bigint;
  d: bigint;
  payers: number;
  partialPayers: number;
};

export type Run = {
  endowment: Ratio;
  bought: Purchase[];
  free: number[];
  ties: Tie[];
  voterClass: Int32Array;
  /** Money of class c = clsNum[c] × scale[clsEpoch[c]] / d. */
  d: bigint;
  /** d as the product of small factors (the voters, then each purchase's weight), to reduce fractions over d cheaply. */
  factors: bigint[];
  scale: bigint[];
  clsNum: bigint[];
  clsEpoch: number[];
  clsParent: number[];
  clsProject: number[];
  /** What each voter of the class paid for clsProject: payNum / payDen (not reduced). */
  payNum: bigint[];
  payDen: bigint[];
};

/** Class money, numerator over the final d. */
export function moneyOverD(run: Run, cls: number): bigint {
  return (run.clsNum[cls] ?? 0n) * (run.scale[run.clsEpoch[cls] ?? 0] ?? 1n);
}

/** What each voter of the class paid for its project, numerator over the final d. */
export function paymentOverD(run: Run, cls: number): bigint {
  return (run.payNum[cls] ?? 0n) * (run.scale[run.clsEpoch[cls] ?? 0] ?? 1n);
}

function smallGcd(a: number, b: number): number {
  while (b) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * num / (product of factors), reduced without a gcd of big numbers: each factor is small, so
 * its common part with num is found from num mod factor. Factors are taken a few at a time:
 * one bigint remainder by their product (below 2⁵³) gives num mod each of them in floats, and
 * a bigint division happens only where a common part is found.
 */
export function reduceOver(num: bigint, factors: bigint[]): Ratio {
  if (num === 0n) return { num: 0n, den: 1n };
  let den = 1n;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  for (let i = 0; i < factors.length; ) {
    let product = Number(factors[i] ?? 1n);
    let j = i + 1;
    while (j < factors.length && product * Number(factors[j] ?? 1n) < 2 ** 53) product *= Number(factors[j++] ?? 1n);
    if (product >= 2 ** 53) {
      den *= reduceBy(factors[i] ?? 1n);
      i++;
      continue;
    }
    const P = BigInt(product);
    let r = Number(abs(num) % P);
    let kept = 1;
    for (let k = i; k < j; k++) {
      let f = Number(factors[k] ?? 1n);
      let g = smallGcd(r % f, f);
      while (g > 1) {
        num /= BigInt(g);
        f /= g;
        r = Number(abs(num) % P);
        g = smallGcd(r % f, f);
      }
      kept *= f;
    }
    den *= BigInt(kept);
    i = j;
  }
  return { num, den };

  /** A factor too large for floats: its common part with num, the slow way. */
  function reduceBy(f: bigint): bigint {
    let g = gcdBig(abs(num), f);
    while (g > 1n) {
      num /= g;
      f /= g;
      g = gcdBig(abs(num), f);
    }
    return f;
  }
}

function gcdBig(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function priceOf(b: Purchase): Ratio {
  return ratio(b.top, b.weight * b.d);
}

export function effectiveOf(ix: Indexed, b: Purchase): Ratio {
  return ratio((ix.costs[b.project] ?? 0n) * b.weight * b.d, b.top);
}

/** bigint → float without overflow (for approximations only). */
function approx(num: bigint, den: bigint): number {
  const shift = BigInt(Math.max(0, Math.max(bitLength(num), bitLength(den)) - 960));
  return Number(num >> shift) / Number(den >> shift);
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(16).length * 4;
}

const EPS = 1e-9;

/** −1, 0, 1: exact, with a float shortcut when the floats are far apart. */
function cmpApprox(a: Approx, b: Approx): number {
  if (a.approx < b.approx * (1 - EPS)) return -1;
  if (a.approx > b.approx * (1 + EPS)) return 1;
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

class Scratch {
  epoch = 0;
  mark = new Int32Array(64);
  slot = new Int32Array(64);
  ensure(size: number) {
    if (this.mark.length >= size) return;
    const mark = new Int32Array(size * 2);
    mark.set(this.mark);
    this.mark = mark;
    this.slot = new Int32Array(size * 2);
  }
}

type Group = { util: number; members: number; money: bigint };

/** The supporters of `p` by class (and points): their money now, over d. */
function groupsOf(ix: Indexed, run: Run, p: number, scratch: Scratch): Group[] {
  const groups: Group[] = [];
  const end = ix.supStart[p + 1] ?? 0;
  const start = ix.supStart[p] ?? 0;
  const classes = run.clsNum.length;
  const money = (cls: number) => {
    const e = run.clsEpoch[cls] ?? 0;
    const n = run.clsNum[cls] ?? 0n;
    return e === run.scale.length - 1 || n === 0n ? n : n * (run.scale[e] ?? 1n);
  };
  if (ix.kind === 'approval') {
    scratch.ensure(classes);
    const epoch = ++scratch.epoch;
    const { mark, slot } = scratch;
    for (let k = start; k < end; k++) {
      const cls = run.voterClass[ix.supVoter[k] ?? 0] ?? 0;
      if (mark[cls] === epoch) (groups[slot[cls] ?? 0] as Group).members++;
      else {
        mark[cls] = epoch;
        slot[cls] = groups.length;
        groups.push({ util: 1, members: 1, money: money(cls) });
      }
    }
    return groups;
  }
  const at = new Map<number, number>();
  for (let k = start; k < end; k++) {
    const cls = run.voterClass[ix.supVoter[k] ?? 0] ?? 0;
    const util = ix.supUtil[k] ?? 1;
    const key = cls * ix.keySpan + util;
    const i = at.get(key);
    if (i !== undefined) (groups[i] as Group).members++;
    else {
      at.set(key, groups.length);
      groups.push({ util, members: 1, money: money(cls) });
    }
  }
  return groups;
}

type Split = { top: bigint; weight: bigint; payers: number; partialPayers: number };

/**
 * The most equal split of `cost` (× d, as an integer over d): the poorest supporters relative to
 * their points pay all they have, the others price × points. Null when their money is short.
 */
function split(costD: bigint, groups: Group[]): Split | null {
  groups.sort((a, b) => {
    if (a.util === b.util) return a.money < b.money ? -1 : a.money > b.money ? 1 : 0;
    const l = a.money * BigInt(b.util);
    const r = b.money * BigInt(a.util);
    return l < r ? -1 : l > r ? 1 : 0;
  });
  let paid = 0n;
  let weight = 0n;
  for (const g of groups) weight += BigInt(g.members * g.util);
  let partialPayers = 0;
  let rest = 0;
  for (const g of groups) rest += g.members;
  for (const g of groups) {
    // price = (costD − paid) / (weight × d); this group pays price × util if it has it.
    const top = costD - paid;
    if (top * BigInt(g.util) <= g.money * weight) return { top, weight, payers: rest, partialPayers };
    paid += g.money * BigInt(g.members);
    weight -= BigInt(g.members * g.util);
    rest -= g.members;
    if (g.money > 0n) partialPayers += g.members;
  }
  return null;
}

export function mesRun(ix: Indexed, endowmentNum: bigint, endowmentDen: bigint): Run {
  const P = ix.ids.length;
  const run: Run = {
    endowment: ratio(endowmentNum, endowmentDen),
    bought: [],
    free: [],
    ties: [],
    voterClass: new Int32Array(ix.voters.length),
    d: endowmentDen,
    factors: [endowmentDen],
    scale: [1n],
    clsNum: [endowmentNum],
    clsEpoch: [0],
    clsParent: [-1],
    clsProject: [-1],
    payNum: [0n],
    payDen: [1n],
  };
  const scratch = new Scratch();
  const bound = new Map<number, Approx>();
  for (let p = 0; p < P; p++) {
    const s = ix.support[p] ?? 0;
    if (s === 0) continue;
    if ((ix.costs[p] ?? 0n) === 0n) run.free.push(p);
    else bound.set(p, { num: BigInt(s), den: 1n, approx: s });
  }
  let round = 0;
  for (;;) {
    const order = [...bound.keys()].sort(
      (a, b) => (bound.get(b)?.approx ?? 0) - (bound.get(a)?.approx ?? 0) || tieBreak(ix, a, b),
    );
    let best: Approx | null = null;
    let tied: { p: number; s: Split }[] = [];
    for (const p of order) {
      const b = bound.get(p) as Approx;
      // Sorted by float: once a bound is surely below the best, so are all the next ones.
      if (best && b.approx < best.approx * (1 - EPS)) break;
      if (best && cmpApprox(b, best) < 0) continue;
      const cost = ix.costs[p] ?? 0n;
      const s = split(cost * run.d, groupsOf(ix, run, p, scratch));
      if (!s) {
        bound.delete(p);
        continue;
      }
      // Effective support = cost / price = cost × weight × d / top.
      const num = cost * s.weight * run.d;
      const eff: Approx = { num, den: s.top, approx: approx(num, s.top) };
      bound.set(p, eff);
      const c = best ? cmpApprox(eff, best) : 1;
      if (c > 0) {
        best = eff;
        tied = [{ p, s }];
      } else if (c === 0) tied.push({ p, s });
    }
    if (tied.length === 0) break;
    tied.sort((a, b) => tieBreak(ix, a.p, b.p));
    const chosen = tied[0] as (typeof tied)[number];
    if (tied.length > 1) run.ties.push({ stage: 'mes', among: tied.map((t) => ix.ids[t.p] ?? ''), chosen: ix.ids[chosen.p] ?? '' });
    round++;
    run.bought.push({ project: chosen.p, round, top: chosen.s.top, weight: chosen.s.weight, d: run.d, payers: chosen.s.payers, partialPayers: chosen.s.partialPayers });
    bound.delete(chosen.p);
    charge(ix, run, chosen.p, chosen.s.top, chosen.s.weight);
  }
  return run;
}

/**
 * Every supporter pays min(money, price × util) with price = top / (weight × d); the common
 * denominator becomes d × weight and supporters move to child classes of the new epoch.
 */
function charge(ix: Indexed, run: Run, p: number, top: bigint, weight: bigint) {
  const oldD = run.d;
  const last = run.scale.length - 1;
  for (let e = 0; e <= last; e++) run.scale[e] = (run.scale[e] ?? 1n) * weight;
  run.scale.push(1n);
  run.d = oldD * weight;
  run.factors.push(weight);
  const epoch = last + 1;
  const child = new Map<number, number>();
  const end = ix.supStart[p + 1] ?? 0;
  for (let k = ix.supStart[p] ?? 0; k < end; k++) {
    const v = ix.supVoter[k] ?? 0;
    const util = ix.supUtil[k] ?? 1;
    const cls = run.voterClass[v] ?? 0;
    const key = cls * ix.keySpan + util;
    let to = child.get(key);
    if (to === undefined) {
      const num = run.clsNum[cls] ?? 0n;
      if (num === 0n) to = cls; // nothing left to pay: stays where it is
      else {
        const money = num * (run.scale[run.clsEpoch[cls] ?? 0] ?? 1n); // over the new d
        const due = top * BigInt(util); // over the new d
        to = run.clsNum.length;
        run.clsNum.push(due < money ? money - due : 0n);
        run.clsEpoch.push(epoch);
        run.clsParent.push(cls);
        run.clsProject.push(p);
        run.payNum.push(due < money ? due : money);
        run.payDen.push(run.d);
      }
      child.set(key, to);
    }
    run.voterClass[v] = to;
  }
}
