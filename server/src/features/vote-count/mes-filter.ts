import type { Indexed } from './election.ts';

/**
 * A fast first pass of one Equal Shares computation in floating point, with a proven bound on
 * every value's error, for the many endowments Add1 tries. It decides a comparison only when
 * the bound proves the exact answer (a "floating-point filter", as exact geometric predicates
 * use them); the moment a comparison is too close to call — a tie, a voter paying exactly the
 * price — it gives up and returns null, and the caller computes that endowment exactly. So its
 * result, when there is one, is the exact computation's, and floats never decide anything the
 * exact arithmetic would decide otherwise. The final endowment is always recomputed exactly.
 *
 * Error accounting: a float operation errs by at most U = 2⁻⁵³ of its result; each class of
 * voters carries an absolute bound `err` on its money; a sum of k terms errs by at most k·U of
 * the sum of their magnitudes. Bounds are inflated (SLACK) to cover the products left out.
 *
 * Speed (a 90,000-voter city tries about 150 endowments): voters with the same ballot are one
 * weighted ballot (`Merged`), since Equal Shares treats them alike; everything lives in typed
 * arrays reused from round to round; and a split is found by water-filling (raise the price,
 * let whoever cannot pay it pay all they have, repeat until nobody new falls short) instead of
 * sorting the supporters' classes each time.
 */
const U = 2 ** -53;
const SLACK = 4;

/** The election's distinct ballots, each with the number of voters who cast it. */
export type Merged = {
  weight: Float64Array;
  /** Supporters of each project, as distinct ballots (CSR, like Indexed's supStart/supVoter). */
  supStart: Int32Array;
  supBallot: Int32Array;
  supUtil: Int32Array;
};

/** Merges identical ballots; `merge: false` keeps one ballot per voter (the plain path, for tests). */
export function mergeBallots(ix: Indexed, merge = true): Merged {
  const V = ix.voters.length;
  const first: number[] = [];
  const weights: number[] = [];
  if (merge) {
    const seen = new Map<string, number>();
    const keys: number[] = [];
    for (let v = 0; v < V; v++) {
      keys.length = 0;
      for (let k = ix.balStart[v] ?? 0; k < (ix.balStart[v + 1] ?? 0); k++) keys.push((ix.balProject[k] ?? 0) * ix.keySpan + (ix.balUtil[k] ?? 0));
      const key = keys.sort((a, b) => a - b).join(',');
      const b = seen.get(key);
      if (b === undefined) {
        seen.set(key, first.length);
        first.push(v);
        weights.push(1);
      } else weights[b] = (weights[b] ?? 0) + 1;
    }
  } else
    for (let v = 0; v < V; v++) {
      first.push(v);
      weights.push(1);
    }
  const P = ix.ids.length;
  const supStart = new Int32Array(P + 1);
  for (const v of first) for (let k = ix.balStart[v] ?? 0; k < (ix.balStart[v + 1] ?? 0); k++) {
      const at = (ix.balProject[k] ?? 0) + 1;
      supStart[at] = (supStart[at] ?? 0) + 1;
    }
  for (let p = 0; p < P; p++) supStart[p + 1] = (supStart[p + 1] ?? 0) + (supStart[p] ?? 0);
  const fill = supStart.slice(0, P);
  const supBallot = new Int32Array(supStart[P] ?? 0);
  const supUtil = new Int32Array(supStart[P] ?? 0);
  first.forEach((v, b) => {
    for (let k = ix.balStart[v] ?? 0; k < (ix.balStart[v + 1] ?? 0); k++) {
      const p = ix.balProject[k] ?? 0;
      const at = fill[p] ?? 0;
      supBallot[at] = b;
      supUtil[at] = ix.balUtil[k] ?? 0;
      fill[p] = at + 1;
    }
  });
  return { weight: Float64Array.from(weights), supStart, supBallot, supUtil };
}

/** A growable Float64Array (class money and error bounds). */
function grow(a: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  if (a.length >= size) return a;
  const b = new Float64Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

export type FilterOptions = {
  merged?: Merged;
  /** Stop as soon as what is bought costs more than this: the caller only needs to know that it does. */
  stopAbove?: bigint;
};

export function mesRunFiltered(ix: Indexed, endowmentNum: bigint, endowmentDen: bigint, options: FilterOptions = {}): number[] | null {
  const P = ix.ids.length;
  const E = Number(endowmentNum) / Number(endowmentDen);
  if (!Number.isFinite(E) || endowmentNum > 2n ** 52n * endowmentDen) return null;
  const { weight, supStart, supBallot, supUtil } = options.merged ?? mergeBallots(ix);
  // (class, points) pairs key as class × span + points into arrays while points are few; else a Map.
  // (Approval: every utility is 1, the key is the class.)
  const approval = ix.kind === 'approval';
  const span = approval ? 1 : ix.keySpan <= 16 ? ix.keySpan : 0;
  const base = approval ? 1 : 0;
  let classes = 1;
  let money = new Float64Array(1024);
  let err = new Float64Array(1024);
  money[0] = E;
  err[0] = E * 3 * U;
  const ballotClass = new Int32Array(weight.length);
  const selected: number[] = [];
  let spent = 0n;
  const bound = new Map<number, number>(); // an upper bound of the effective support (inflated)
  let widest = 0;
  for (let p = 0; p < P; p++) {
    widest = Math.max(widest, (supStart[p + 1] ?? 0) - (supStart[p] ?? 0));
    const s = ix.support[p] ?? 0;
    if (s === 0) continue;
    if ((ix.costs[p] ?? 0n) === 0n) selected.push(p);
    else bound.set(p, s);
  }
  // The groups of one project's supporters (by class, and points): class, voters, points, money, err.
  const gCls = new Int32Array(widest);
  const gMembers = new Float64Array(widest);
  const gUtil = new Int32Array(widest);
  const gMoney = new Float64Array(widest);
  const gErr = new Float64Array(widest);
  const gPoor = new Uint8Array(widest);
  let mark = new Int32Array(1024);
  let slot = new Int32Array(1024);
  let stamp = 0;

  /** Fills the g* arrays with the groups of p's supporters; returns how many. */
  const groupsOf = (p: number): number => {
    let n = 0;
    const end = supStart[p + 1] ?? 0;
    if (span > 0) {
      if (mark.length < classes * span) {
        mark = new Int32Array(classes * span * 2);
        slot = new Int32Array(classes * span * 2);
      }
      stamp++;
      for (let k = supStart[p] ?? 0; k < end; k++) {
        const b = supBallot[k] as number;
        const cls = ballotClass[b] as number;
        const util = supUtil[k] as number;
        const key = cls * span + util - base;
        if (mark[key] === stamp) gMembers[slot[key] as number] = (gMembers[slot[key] as number] as number) + (weight[b] as number);
        else {
          mark[key] = stamp;
          slot[key] = n;
          gCls[n] = cls;
          gMembers[n] = weight[b] as number;
          gUtil[n] = util;
          n++;
        }
      }
    } else {
      const at = new Map<number, number>();
      for (let k = supStart[p] ?? 0; k < end; k++) {
        const b = supBallot[k] as number;
        const cls = ballotClass[b] as number;
        const util = supUtil[k] as number;
        const key = cls * ix.keySpan + util;
        const i = at.get(key);
        if (i !== undefined) gMembers[i] = (gMembers[i] as number) + (weight[b] as number);
        else {
          at.set(key, n);
          gCls[n] = cls;
          gMembers[n] = weight[b] as number;
          gUtil[n] = util;
          n++;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      gMoney[i] = money[gCls[i] as number] as number;
      gErr[i] = err[gCls[i] as number] as number;
    }
    return n;
  };

  type Split = { price: number; priceErr: number; eff: number; effErr: number };
  /** The split of `cost` over the n groups, 'short' when surely unaffordable, or 'unsure'. */
  const split = (cost: number, n: number): Split | 'short' | 'unsure' => {
    let total = 0;
    let totalErr = 0;
    let weightAll = 0;
    for (let i = 0; i < n; i++) {
      const c = gMembers[i] as number;
      total += c * (gMoney[i] as number);
      totalErr += c * (gErr[i] as number);
      weightAll += c * (gUtil[i] as number);
      gPoor[i] = 0;
    }
    totalErr += SLACK * n * U * total;
    if (total + totalErr < cost) return 'short';
    if (total - totalErr < cost) return 'unsure';
    // Water-filling: the price only rises, and a group short of it at one price stays short.
    let paid = 0;
    let paidErr = 0;
    let w = weightAll;
    let poor = 0;
    let price = cost / w;
    for (;;) {
      let fell = 0;
      for (let i = 0; i < n; i++) {
        if (gPoor[i] || (gMoney[i] as number) >= price * (gUtil[i] as number)) continue;
        gPoor[i] = 1;
        fell++;
        const c = gMembers[i] as number;
        paid += c * (gMoney[i] as number);
        paidErr += c * (gErr[i] as number);
        w -= c * (gUtil[i] as number);
      }
      if (fell === 0) break;
      poor += fell;
      if (poor === n || w <= 0) return 'unsure';
      price = (cost - paid) / w;
    }
    const top = cost - paid;
    const topErr = paidErr + SLACK * (poor + 2) * U * (cost + paid);
    if (top <= topErr) return 'unsure';
    const priceErr = topErr / w + SLACK * U * price;
    if (priceErr > price * 1e-6) return 'unsure'; // keep the error analysis first-order
    // Every group's status must be certain: poor ones hold less than price × util, rich ones more.
    for (let j = 0; j < n; j++) {
      const m = gMoney[j] as number;
      const util = gUtil[j] as number;
      const due = price * util;
      const margin = (gErr[j] as number) + util * priceErr + SLACK * U * (m + due);
      if (gPoor[j] ? !(m < due - margin) : !(m > due + margin)) return 'unsure';
    }
    const eff = cost / price;
    return { price, priceErr, eff, effErr: eff * (priceErr / price) * 1.01 + SLACK * U * eff };
  };

  let childOf = new Int32Array(1024);
  let childStamp = new Int32Array(1024);
  let charges = 0;
  /** Poor supporters pay everything (exactly 0 left), rich ones price × util; they move to child classes. */
  const charge = (p: number, price: number, priceErr: number) => {
    const end = supStart[p + 1] ?? 0;
    const before = classes;
    if (childOf.length < before * span) {
      childOf = new Int32Array(before * span * 2);
      childStamp = new Int32Array(before * span * 2);
    }
    charges++;
    const child = span > 0 ? null : new Map<number, number>();
    for (let k = supStart[p] ?? 0; k < end; k++) {
      const b = supBallot[k] as number;
      const util = supUtil[k] as number;
      const cls = ballotClass[b] as number;
      let to: number | undefined;
      if (child) to = child.get(cls * ix.keySpan + util);
      else if (childStamp[cls * span + util - base] === charges) to = childOf[cls * span + util - base];
      if (to === undefined) {
        const m = money[cls] as number;
        if (m === 0) to = cls;
        else {
          const due = price * util;
          to = classes++;
          money = grow(money, classes);
          err = grow(err, classes);
          if (m < due) {
            money[to] = 0;
            err[to] = 0;
          } else {
            money[to] = m - due;
            err[to] = (err[cls] as number) + util * priceErr + SLACK * U * (m + due);
          }
        }
        if (child) child.set(cls * ix.keySpan + util, to);
        else {
          childStamp[cls * span + util - base] = charges;
          childOf[cls * span + util - base] = to;
        }
      }
      ballotClass[b] = to;
    }
  };

  for (;;) {
    const order = [...bound.keys()].sort((a, b) => (bound.get(b) ?? 0) - (bound.get(a) ?? 0));
    let best: { p: number; s: Split } | null = null;
    let second = -Infinity; // the best upper end among the others evaluated this round
    for (const p of order) {
      const b = bound.get(p) ?? 0;
      // Bounds are inflated upper bounds: once one is below the best's lower end, all next ones are.
      if (best && b < best.s.eff - best.s.effErr) break;
      const s = split(Number(ix.costs[p] ?? 0n), groupsOf(p));
      if (s === 'unsure') return null;
      if (s === 'short') {
        bound.delete(p);
        continue;
      }
      bound.set(p, s.eff + s.effErr);
      if (!best) best = { p, s };
      else if (s.eff - s.effErr > best.s.eff + best.s.effErr) {
        second = Math.max(second, best.s.eff + best.s.effErr);
        best = { p, s };
      } else second = Math.max(second, s.eff + s.effErr);
    }
    if (!best) return selected;
    if (second >= best.s.eff - best.s.effErr) return null; // too close to call: a possible tie
    selected.push(best.p);
    bound.delete(best.p);
    spent += ix.costs[best.p] ?? 0n;
    if (options.stopAbove !== undefined && spent > options.stopAbove) return selected;
    charge(best.p, best.s.price, best.s.priceErr);
  }
}
