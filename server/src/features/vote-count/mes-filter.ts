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
 */
const U = 2 ** -53;
const SLACK = 4;

type Group = { util: number; members: number; money: number; err: number };

export function mesRunFiltered(ix: Indexed, endowmentNum: bigint, endowmentDen: bigint): number[] | null {
  const P = ix.ids.length;
  const E = Number(endowmentNum) / Number(endowmentDen);
  if (!Number.isFinite(E) || endowmentNum > 2n ** 52n * endowmentDen) return null;
  const money: number[] = [E];
  const err: number[] = [E * 3 * U];
  const voterClass = new Int32Array(ix.voters.length);
  const selected: number[] = [];
  const bound = new Map<number, number>(); // an upper bound of the effective support (inflated)
  for (let p = 0; p < P; p++) {
    const s = ix.support[p] ?? 0;
    if (s === 0) continue;
    if ((ix.costs[p] ?? 0n) === 0n) selected.push(p);
    else bound.set(p, s);
  }
  let mark = new Int32Array(1024);
  let slot = new Int32Array(1024);
  let stamp = 0;

  const groupsOf = (p: number): Group[] => {
    const groups: Group[] = [];
    const end = ix.supStart[p + 1] ?? 0;
    if (ix.kind === 'approval') {
      if (mark.length < money.length) {
        mark = new Int32Array(money.length * 2);
        slot = new Int32Array(money.length * 2);
      }
      stamp++;
      for (let k = ix.supStart[p] ?? 0; k < end; k++) {
        const cls = voterClass[ix.supVoter[k] ?? 0] ?? 0;
        if (mark[cls] === stamp) (groups[slot[cls] ?? 0] as Group).members++;
        else {
          mark[cls] = stamp;
          slot[cls] = groups.length;
          groups.push({ util: 1, members: 1, money: money[cls] ?? 0, err: err[cls] ?? 0 });
        }
      }
      return groups;
    }
    const at = new Map<number, number>();
    for (let k = ix.supStart[p] ?? 0; k < end; k++) {
      const cls = voterClass[ix.supVoter[k] ?? 0] ?? 0;
      const util = ix.supUtil[k] ?? 1;
      const key = cls * ix.keySpan + util;
      const i = at.get(key);
      if (i !== undefined) (groups[i] as Group).members++;
      else {
        at.set(key, groups.length);
        groups.push({ util, members: 1, money: money[cls] ?? 0, err: err[cls] ?? 0 });
      }
    }
    return groups;
  };

  type Split = { price: number; priceErr: number; eff: number; effErr: number };
  /** The split of `cost`, 'short' when surely unaffordable, or 'unsure'. */
  const split = (cost: number, groups: Group[]): Split | 'short' | 'unsure' => {
    let total = 0;
    let totalErr = 0;
    let weight = 0;
    for (const g of groups) {
      total += g.members * g.money;
      totalErr += g.members * g.err;
      weight += g.members * g.util;
    }
    totalErr += SLACK * groups.length * U * total;
    if (total + totalErr < cost) return 'short';
    if (total - totalErr < cost) return 'unsure';
    groups.sort((a, b) => a.money / a.util - b.money / b.util);
    let paid = 0;
    let paidErr = 0;
    let w = weight;
    let i = 0;
    for (; i < groups.length; i++) {
      const g = groups[i] as Group;
      if ((cost - paid) * g.util <= g.money * w) break;
      paid += g.members * g.money;
      paidErr += g.members * g.err;
      w -= g.members * g.util;
    }
    if (i === groups.length) return 'unsure';
    const top = cost - paid;
    const topErr = paidErr + SLACK * (i + 2) * U * (cost + paid);
    if (top <= topErr) return 'unsure';
    const price = top / w;
    const priceErr = topErr / w + SLACK * U * price;
    if (priceErr > price * 1e-6) return 'unsure'; // keep the error analysis first-order
    // Every group's status must be certain: poor ones hold less than price × util, rich ones more.
    for (let j = 0; j < groups.length; j++) {
      const g = groups[j] as Group;
      const due = price * g.util;
      const margin = g.err + g.util * priceErr + SLACK * U * (g.money + due);
      if (j < i ? !(g.money < due - margin) : !(g.money > due + margin)) return 'unsure';
    }
    const eff = cost / price;
    return { price, priceErr, eff, effErr: eff * (priceErr / price) * 1.01 + SLACK * U * eff };
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
    // Charge: poor supporters pay everything (exactly 0 left), rich ones price × util.
    const { price, priceErr } = best.s;
    const child = new Map<number, number>();
    const end = ix.supStart[best.p + 1] ?? 0;
    for (let k = ix.supStart[best.p] ?? 0; k < end; k++) {
      const v = ix.supVoter[k] ?? 0;
      const util = ix.supUtil[k] ?? 1;
      const cls = voterClass[v] ?? 0;
      const key = cls * ix.keySpan + util;
      let to = child.get(key);
      if (to === undefined) {
        const m = money[cls] ?? 0;
        if (m === 0) to = cls;
        else {
          const due = price * util;
          to = money.length;
          if (m < due) {
            money.push(0);
            err.push(0);
          } else {
            money.push(m - due);
            err.push((err[cls] ?? 0) + util * priceErr + SLACK * U * (m + due));
          }
        }
        child.set(key, to);
      }
      voterClass[v] = to;
    }
  }
}
