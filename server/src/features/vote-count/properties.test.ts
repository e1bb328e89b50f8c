import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countVotes } from './count.ts';
import { indexElection } from './election.ts';
import { mergeBallots, mesRunFiltered } from './mes-filter.ts';
import { mesRun, reduceOver } from './mes-run.ts';
import { countMes } from './mes.ts';
import { toJson } from './json.ts';
import { add, cmp, div, mulInt, ratio, sub, ZERO } from './ratio.ts';
import { approvalElection } from './test-elections.ts';
import type { Ballot, CountRule, Election, Outcome, Ratio } from './types.ts';

const example1 = approvalElection(1100, { bike: 700, gym: 400, park: 250, playground: 200, library: 100 }, [
  ['bike', 'gym'], ['bike', 'gym', 'park'], ['bike', 'gym'], ['bike', 'gym', 'park'], ['bike', 'gym', 'park'], ['bike', 'gym'],
  ['park', 'playground', 'library'], ['playground'], ['playground', 'library'], ['park', 'playground', 'library'], ['bike'],
]);

/** Random small elections: up to 7 voters, 5 projects, costs and budget in whole units. */
const election = (kind: 'approval' | 'points') =>
  fc
    .record({
      costs: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 5 }),
      budget: fc.integer({ min: 1, max: 30 }),
      votes: fc.array(fc.array(fc.integer({ min: kind === 'approval' ? -1 : 0, max: kind === 'approval' ? 1 : 3 }), { minLength: 5, maxLength: 5 }), {
        minLength: 1,
        maxLength: 7,
      }),
    })
    .map(({ costs, budget, votes }): Election => ({
      budget: BigInt(budget) * 100n,
      projects: costs.map((c, j) => ({ id: `p${j}`, cost: BigInt(c) * 100n })),
      ballots: votes.map((row, i): Ballot => {
        const given = row.slice(0, costs.length).map((u, j) => [`p${j}`, u] as const).filter(([, u]) => u > 0);
        return kind === 'approval'
          ? { voter: `v${i}`, kind, approved: given.map(([id]) => id) }
          : { voter: `v${i}`, kind, points: Object.fromEntries(given) };
      }),
    }));

const anyElection = fc.oneof(election('approval'), election('points'));
const greedy: CountRule = { kind: 'greedy' };
const mes: CountRule = { kind: 'mes', completion: 'none', compareWithGreedy: false };
const mesAdd1: CountRule = { kind: 'mes', completion: 'add1', compareWithGreedy: false };
const mesAdd1Compared: CountRule = { kind: 'mes', completion: 'add1', compareWithGreedy: true };
const rules = [greedy, mes, mesAdd1, mesAdd1Compared];
const runs = { numRuns: 300 };

/** utility[v][p]: 1 an approval or the points, 0 otherwise. */
function utilities(e: Election): number[][] {
  return e.ballots.map((b) =>
    e.projects.map((p) => (b.kind === 'approval' ? (b.approved.includes(p.id) ? 1 : 0) : (b.points[p.id] ?? 0))),
  );
}

function fitsLeftOut(e: Election, o: Outcome): string[] {
  const left = e.budget - o.used;
  const u = utilities(e);
  return e.projects
    .filter((p, j) => !o.selected.includes(p.id) && p.cost <= left && u.some((row) => (row[j] ?? 0) > 0))
    .map((p) => p.id);
}

/**
 * Equal Shares computed the slow, obvious way (one budget per voter, every project's split
 * recomputed from scratch every round), to check the class-based computation against.
 */
function naiveMes(e: Election, endowment: Ratio): string[] {
  const u = utilities(e);
  const budget = e.ballots.map(() => endowment);
  const support = e.projects.map((_, j) => u.reduce((s, row) => s + (row[j] ?? 0), 0));
  const remaining = new Set(e.projects.map((_, j) => j).filter((j) => (support[j] ?? 0) > 0));
  const chosen: string[] = [];
  for (;;) {
    let best: { j: number; eff: Ratio; price: Ratio } | null = null;
    for (const j of [...remaining]) {
      const cost = e.projects[j]?.cost ?? 0n;
      const supporters = u.map((row, v) => ({ v, w: row[j] ?? 0 })).filter((s) => s.w > 0);
      const money = supporters.reduce((s, { v }) => add(s, budget[v] ?? ZERO), ZERO);
      if (cmp(money, ratio(cost)) < 0) {
        remaining.delete(j);
        continue;
      }
      // Poor/rich: the price ρ with Σ min(b_i, ρ·w_i) = cost.
      let rich = supporters;
      let price = ZERO;
      for (;;) {
        const poorPaid = supporters.filter((s) => !rich.includes(s)).reduce((s, { v }) => add(s, budget[v] ?? ZERO), ZERO);
        const weight = rich.reduce((s, { w }) => s + BigInt(w), 0n);
        price = div(sub(ratio(cost), poorPaid), ratio(weight));
        const stillRich = rich.filter(({ v, w }) => cmp(mulInt(price, BigInt(w)), budget[v] ?? ZERO) <= 0);
        if (stillRich.length === rich.length) break;
        rich = stillRich;
      }
      const eff = div(ratio(cost), price);
      const c = best ? cmp(eff, best.eff) : 1;
      const p = e.projects[j];
      const q = best ? e.projects[best.j] : undefined;
      const better =
        c > 0 ||
        (c === 0 && p && q && (p.cost < q.cost || (p.cost === q.cost && ((support[j] ?? 0) > (support[best?.j ?? 0] ?? 0) || ((support[j] ?? 0) === (support[best?.j ?? 0] ?? 0) && p.id < q.id)))));
      if (better) best = { j, eff, price };
    }
    if (!best) return chosen;
    remaining.delete(best.j);
    chosen.push(e.projects[best.j]?.id ?? '');
    for (const [v, row] of u.entries()) {
      const w = row[best.j] ?? 0;
      if (w === 0) continue;
      const due = mulInt(best.price, BigInt(w));
      const b = budget[v] ?? ZERO;
      budget[v] = cmp(due, b) < 0 ? sub(b, due) : ZERO;
    }
  }
}

/**
 * EJR up to one project (Peters, Pierczyński & Skowron 2021), for the utilities Equal Shares
 * uses here (points × cost, an approval being one point): for every group S and set T with
 * |S|/n · budget ≥ cost(T), some voter i of S has u_i(W) ≥ Σ_{c∈T} min_{j∈S} u_j(c), or would
 * exceed it with one more project of T. Checked over every S and T.
 */
function ejrUpToOneViolation(e: Election, selected: string[]): string | null {
  const u = utilities(e).map((row) => row.map((w, j) => BigInt(w) * (e.projects[j]?.cost ?? 0n)));
  const n = e.ballots.length;
  const m = e.projects.length;
  const inW = e.projects.map((p) => selected.includes(p.id));
  const uW = u.map((row) => row.reduce((s, x, j) => (inW[j] ? s + x : s), 0n));
  for (let S = 1; S < 1 << n; S++) {
    const members = [...Array(n).keys()].filter((i) => S & (1 << i));
    for (let T = 1; T < 1 << m; T++) {
      const inT = [...Array(m).keys()].filter((j) => T & (1 << j));
      const costT = inT.reduce((s, j) => s + (e.projects[j]?.cost ?? 0n), 0n);
      if (BigInt(members.length) * e.budget < costT * BigInt(n)) continue; // not enough money for T
      const alpha = inT.map((j) => members.reduce((lo, i) => (u[i]?.[j] ?? 0n) < lo ? (u[i]?.[j] ?? 0n) : lo, u[members[0] ?? 0]?.[j] ?? 0n));
      const need = alpha.reduce((s, a) => s + a, 0n);
      if (need === 0n) continue;
      const satisfied = members.some(
        (i) => (uW[i] ?? 0n) >= need || inT.some((j) => !inW[j] && (uW[i] ?? 0n) + (u[i]?.[j] ?? 0n) > need),
      );
      if (!satisfied) return `group ${members.join(',')} deserves ${need} from {${inT.join(',')}}`;
    }
  }
  return null;
}

describe('the EJR check', () => {
  it('catches greedy on equalshares.net\'s Example 1 (voter 7 alone deserves the library)', () => {
    expect(ejrUpToOneViolation(example1, countVotes(example1, greedy).selected)).toMatch(/deserves/);
    expect(ejrUpToOneViolation(example1, countVotes(example1, mes).selected)).toBeNull();
  });
});

describe('counting properties on random small elections', () => {
  it('no rule ever spends more than the budget', () => {
    fc.assert(
      fc.property(anyElection, (e) => {
        for (const rule of rules) {
          const o = countVotes(e, rule);
          const cost = o.selected.reduce((s, id) => s + (e.projects.find((p) => p.id === id)?.cost ?? 0n), 0n);
          expect(o.used).toBe(cost);
          expect(o.used).toBeLessThanOrEqual(e.budget);
          expect(new Set(o.selected).size).toBe(o.selected.length);
        }
      }),
      runs,
    );
  });

  it('greedy and Equal Shares with Add1 and its greedy completion leave out no project that still fits', () => {
    fc.assert(
      fc.property(anyElection, (e) => {
        for (const rule of [greedy, mesAdd1, mesAdd1Compared]) {
          const o = countVotes(e, rule);
          expect(fitsLeftOut(e, o)).toEqual([]);
          expect(o.exhaustive).toBe(true);
        }
        // Plain Equal Shares need not be exhaustive, but says truly whether it is.
        const plain = countVotes(e, mes);
        expect(plain.exhaustive).toBe(fitsLeftOut(e, plain).length === 0);
      }),
      runs,
    );
  });

  it('Equal Shares satisfies EJR up to one project, with and without Add1', () => {
    fc.assert(
      fc.property(anyElection, (e) => {
        expect(ejrUpToOneViolation(e, countVotes(e, mes).selected)).toBeNull();
        expect(ejrUpToOneViolation(e, countVotes(e, mesAdd1).selected)).toBeNull();
      }),
      runs,
    );
  });

  it('the class-based computation buys what the per-voter computation buys', () => {
    fc.assert(
      fc.property(anyElection, (e) => {
        const n = BigInt(e.ballots.length);
        expect(countVotes(e, mes).mes?.bought).toEqual(naiveMes(e, ratio(e.budget, n)));
        const add1 = countVotes(e, mesAdd1).mes;
        expect(add1?.bought).toEqual(naiveMes(e, add1?.endowment ?? ZERO));
        expect(add1?.endowment).toEqual(ratio(e.budget + BigInt(add1?.increments ?? 0) * 100n * n, n));
      }),
      runs,
    );
  });

  it('every voter spends at most the endowment, and the spending pays exactly for what was bought', () => {
    fc.assert(
      fc.property(anyElection, (e) => {
        for (const rule of [mes, mesAdd1]) {
          const details = countVotes(e, rule).mes;
          if (!details) throw new Error('no MES details');
          let total = ZERO;
          for (const s of details.shares) {
            expect(cmp(s.spent, details.endowment)).toBeLessThanOrEqual(0);
            expect(s.payments.reduce((sum, x) => add(sum, x.amount), ZERO)).toEqual(s.spent);
            total = add(total, s.spent);
          }
          const bought = details.bought.reduce((sum, id) => sum + (e.projects.find((p) => p.id === id)?.cost ?? 0n), 0n);
          expect(total).toEqual(ratio(bought));
        }
      }),
      runs,
    );
  });

  it('the outcome does not depend on the order of the ballots', () => {
    const shuffled = anyElection.chain((e) =>
      fc.shuffledSubarray(e.ballots, { minLength: e.ballots.length, maxLength: e.ballots.length }).map((ballots) => [e, ballots] as const),
    );
    fc.assert(
      fc.property(shuffled, ([e, ballots]) => {
        for (const rule of rules) expect(countVotes({ ...e, ballots }, rule).selected).toEqual(countVotes(e, rule).selected);
      }),
      runs,
    );
  });

  it('Add1 gives the same outcome with the float filter as computing every endowment exactly', () => {
    fc.assert(
      fc.property(anyElection, (e) => {
        const ix = indexElection(e);
        for (const rule of [mesAdd1, mesAdd1Compared] as const)
          if (rule.kind === 'mes') expect(toJson(countMes(ix, rule, true))).toEqual(toJson(countMes(ix, rule, false)));
      }),
      runs,
    );
  });

  it('the float filter, when it answers, buys what the exact computation buys', () => {
    let answered = 0;
    fc.assert(
      fc.property(anyElection, fc.integer({ min: 0, max: 20 }), (e, k) => {
        const ix = indexElection(e);
        const n = BigInt(e.ballots.length);
        const num = e.budget + BigInt(k) * 100n * n;
        const filtered = mesRunFiltered(ix, num, n);
        const exact = mesRun(ix, num, n);
        if (filtered === null) return;
        answered++;
        expect(filtered).toEqual([...exact.free, ...exact.bought.map((b) => b.project)]);
      }),
      { numRuns: 500 },
    );
    expect(answered).toBeGreaterThan(100);
  });
});

describe('the float filter', () => {
  it('gives the same answer on ballots merged into weighted groups as on one ballot per voter', () => {
    let merged = 0;
    let answered = 0;
    // Few projects and many voters, so that many ballots repeat.
    const crowded = fc
      .tuple(fc.oneof(election('approval'), election('points')), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }))
      .map(([e, copies]) => ({
        ...e,
        ballots: copies.map((c, i) => ({ ...(e.ballots[c % e.ballots.length] as Ballot), voter: `w${i}` })),
      }));
    fc.assert(
      fc.property(crowded, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3 }), (e, k, stop) => {
        const ix = indexElection(e);
        const n = BigInt(e.ballots.length);
        const num = e.budget + BigInt(k) * 100n * n;
        const groups = mergeBallots(ix);
        if (groups.weight.length < ix.voters.length) merged++;
        const stopAbove = stop === 0 ? undefined : e.budget;
        const options = stopAbove === undefined ? {} : { stopAbove };
        const weighted = mesRunFiltered(ix, num, n, { merged: groups, ...options });
        if (weighted !== null) answered++;
        expect(weighted).toEqual(mesRunFiltered(ix, num, n, { merged: mergeBallots(ix, false), ...options }));
        const weights = [...groups.weight];
        expect(weights.reduce((a, b) => a + b, 0)).toBe(ix.voters.length);
      }),
      { numRuns: 500 },
    );
    expect(merged).toBeGreaterThan(300);
    expect(answered).toBeGreaterThan(100);
  });

  it('stops once what it bought exceeds the given amount, having bought what the exact computation buys first', () => {
    const e = indexElection(example1);
    const exact = mesRun(e, 440_000n, 11n);
    const full = [...exact.free, ...exact.bought.map((b) => b.project)];
    const partial = mesRunFiltered(e, 440_000n, 11n, { stopAbove: 700n });
    expect(partial).not.toBeNull();
    expect(partial).toEqual(full.slice(0, partial?.length));
    expect((partial ?? []).reduce((s, p) => s + (e.costs[p] ?? 0n), 0n)).toBeGreaterThan(700n);
    expect(partial?.length).toBeLessThan(full.length);
  });

  it('gives up on an exact tie, which only exact arithmetic can break', () => {
    const tie = indexElection(approvalElection(100, { q: 100, p: 100 }, [['p', 'q'], ['p', 'q']]));
    expect(mesRunFiltered(tie, 10_000n, 2n)).toBeNull();
    // Example 1's bike path costs exactly its supporters' shares: a voter paying exactly all
    // it has is too close to call as well.
    expect(mesRunFiltered(indexElection(example1), 110_000n, 11n)).toBeNull();
    const example2 = indexElection({ ...example1, ballots: example1.ballots.map((b, i) => (i === 10 ? { ...b, approved: ['gym'] } : b)) });
    expect(mesRunFiltered(example2, 110_000n, 11n)?.map((p) => example2.ids[p])).toEqual(['gym', 'park', 'playground']);
  });
});

describe('reduceOver', () => {
  it('reduces num over a product of factors as the gcd does, small and large factors alike', () => {
    const factor = fc.oneof(fc.bigInt({ min: 1n, max: 40n }), fc.bigInt({ min: 1n, max: 2n ** 20n }), fc.bigInt({ min: 1n, max: 2n ** 60n }));
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), fc.array(factor, { maxLength: 12 }), fc.nat({ max: 5 }), (num, factors, k) => {
        // Make common parts likely: num shares the first k factors.
        const n = factors.slice(0, k).reduce((a, f) => a * f, num);
        const expected = n === 0n ? { num: 0n, den: 1n } : ratio(n, factors.reduce((a, f) => a * f, 1n));
        expect(reduceOver(n, factors)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
