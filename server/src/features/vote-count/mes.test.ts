import { describe, expect, it } from 'vitest';
import { countVotes } from './count.ts';
import { ratio } from './ratio.ts';
import { approvalElection, pointsElection, reasonOf, units } from './test-elections.ts';

const mes = { kind: 'mes', completion: 'none', compareWithGreedy: false } as const;
const mesAdd1 = { kind: 'mes', completion: 'add1', compareWithGreedy: false } as const;

/*
 * equalshares.net, "Explanation of the Method of Equal Shares" (docs/explanation.mdx of
 * github.com/equalshares/equalshares.net): budget 1100, 11 voters, five projects.
 * Example 1 — bike path 700 (voters 1–6 and 11), outdoor gym 400 (1–6), new park 250
 * (2, 4, 5, 7, 10), new playground 200 (7–10), library for kids 100 (7, 9, 10).
 * Example 2 — the same, but voter 11 votes for the gym instead of the bike path.
 */
const costs = { bike: 700, gym: 400, park: 250, playground: 200, library: 100 };
const voters1to10 = [
  ['bike', 'gym'], ['bike', 'gym', 'park'], ['bike', 'gym'], ['bike', 'gym', 'park'], ['bike', 'gym', 'park'], ['bike', 'gym'],
  ['park', 'playground', 'library'], ['playground'], ['playground', 'library'], ['park', 'playground', 'library'],
];
const example1 = approvalElection(1100, costs, [...voters1to10, ['bike']]);
const example2 = approvalElection(1100, costs, [...voters1to10, ['gym']]);

describe('Equal Shares on the worked examples of equalshares.net', () => {
  it('Example 1: bike path, then new playground, then library for kids', () => {
    const outcome = countVotes(example1, mes);
    expect(outcome.selected).toEqual(['bike', 'playground', 'library']);
    expect(outcome.mes?.endowment).toEqual(units(100));
    // "the effective vote count of the bike path is 7": 7 voters pay 100 each.
    expect(reasonOf(outcome, 'bike')).toEqual({
      code: 'mes-selected', round: 1, effectiveSupport: ratio(7n), price: units(100), payers: 7, partialPayers: 0,
    });
    // "each of the 4 voters who voted for the new playground pays 50"
    expect(reasonOf(outcome, 'playground')).toMatchObject({ round: 2, effectiveSupport: ratio(4n), price: units(50) });
    // "They can each pay 33.3"
    expect(reasonOf(outcome, 'library')).toMatchObject({ round: 3, effectiveSupport: ratio(3n), price: units(100, 3) });
  });

  it('Example 1: the gym is out because its supporters spent everything on the bike path', () => {
    const outcome = countVotes(example1, mes);
    expect(reasonOf(outcome, 'gym')).toEqual({
      code: 'mes-unaffordable',
      supportersEndowment: units(600),
      supportersLeft: units(0),
      spentOn: [{ project: 'bike', amount: units(600) }],
    });
    // The park's five supporters: three paid 100 for the bike path; 7 and 10 paid 50 and 100/3.
    expect(reasonOf(outcome, 'park')).toMatchObject({
      supportersLeft: units(100, 3),
      spentOn: [
        { project: 'bike', amount: units(300) },
        { project: 'playground', amount: units(100) },
        { project: 'library', amount: units(200, 3) },
      ],
    });
  });

  it('Example 1: every voter\'s share is spent as the page draws it', () => {
    const shares = countVotes(example1, mes).mes?.shares ?? [];
    expect(shares[0]).toEqual({ voter: 'v1', spent: units(100), payments: [{ project: 'bike', amount: units(100) }] });
    expect(shares[7]).toEqual({ voter: 'v8', spent: units(50), payments: [{ project: 'playground', amount: units(50) }] });
    expect(shares[8]?.spent).toEqual(units(250, 3)); // 50 + 33.33: "16.7" left of 100
  });

  it('Example 2: outdoor gym, new park, new playground, with the exact effective vote counts', () => {
    const outcome = countVotes(example2, mes);
    expect(outcome.selected).toEqual(['gym', 'park', 'playground']);
    // 400/7 = 57.14 each.
    expect(reasonOf(outcome, 'gym')).toMatchObject({ round: 1, effectiveSupport: ratio(7n), price: units(400, 7) });
    // The page rounds the gym voters' 300/7 to 43 and finds 60.5 and 4.13; exactly: three pay
    // 300/7, the two others (250 − 900/7)/2 = 425/7 each, effective vote count 250/(425/7) = 70/17.
    expect(reasonOf(outcome, 'park')).toEqual({
      code: 'mes-selected', round: 2, effectiveSupport: ratio(70n, 17n), price: units(425, 7), payers: 2, partialPayers: 3,
    });
    // Page: 3.31 with its rounding; exactly 200/(425/7) = 56/17.
    expect(reasonOf(outcome, 'playground')).toMatchObject({ round: 3, effectiveSupport: ratio(56n, 17n), price: units(425, 7) });
    // "none of the remaining projects (in particular the library for kids) can be afforded"
    expect(reasonOf(outcome, 'library')).toMatchObject({ code: 'mes-unaffordable', supportersLeft: units(275, 7) });
    expect(reasonOf(outcome, 'bike')).toMatchObject({ code: 'mes-unaffordable', supportersLeft: units(900, 7) });
  });
});

/*
 * equalshares.net, Implementation → Tie breaking (docs/implementation/tie-breaking.mdx): when
 * projects tie on effective vote count, "the project with the lowest cost is selected", then
 * "the (lowest-cost) project with the highest initial vote count", then by lot (here: the
 * smaller id, written in the results).
 */
describe('Equal Shares tie-breaking', () => {
  it('picks the lower cost among projects tied on effective support (the page\'s Example 1)', () => {
    // Both have effective support 2 at the start; a costs 60, b 70.
    const outcome = countVotes(approvalElection(400, { b: 70, a: 60 }, [['a'], ['a'], ['b'], ['b']]), mes);
    expect(outcome.selected).toEqual(['a', 'b']);
    expect(outcome.ties).toEqual([{ stage: 'mes', among: ['a', 'b'], chosen: 'a' }]);
  });

  it('then the higher initial vote count (the page\'s Example 2)', () => {
    // z (400) is bought first and drains v1; then c (approved by v1, v2, v3) and d (v4, v5)
    // both cost 100 and have effective support 2, but c has 3 initial votes against 2.
    const outcome = countVotes(
      approvalElection(800, { z: 400, d: 100, c: 100 }, [['z', 'c'], ['c'], ['c'], ['d'], ['d'], ['z'], ['z'], ['z']]),
      mes,
    );
    expect(outcome.selected).toEqual(['z', 'c', 'd']);
    expect(outcome.ties).toEqual([{ stage: 'mes', among: ['c', 'd'], chosen: 'c' }]);
    expect(reasonOf(outcome, 'c')).toMatchObject({ effectiveSupport: ratio(2n), partialPayers: 0, payers: 2 });
  });

  it('then the smaller id where the page would draw lots (its Example 3)', () => {
    const outcome = countVotes(approvalElection(100, { q: 100, p: 100 }, [['p', 'q'], ['p', 'q']]), mes);
    expect(outcome.selected).toEqual(['p']);
    expect(outcome.ties).toEqual([{ stage: 'mes', among: ['p', 'q'], chosen: 'p' }]);
  });
});

/*
 * pabutools (github.com/COMSOC-Community/pabutools, tests/rules/test_rule.py), run there with
 * Cost_Sat; its iterated variant `mes_iterated` adds voter_budget_increment = 1/10 per voter.
 */
describe('Equal Shares on the pabutools test elections', () => {
  // "Approval example 2": costs 1, 0.9, 2, 1.09, budget 4 (here in cents: ×100).
  const appEx2 = {
    budget: 400n,
    projects: [{ id: 'p0', cost: 100n }, { id: 'p1', cost: 90n }, { id: 'p2', cost: 200n }, { id: 'p3', cost: 109n }],
    ballots: [['p0'], ['p1', 'p2', 'p3'], ['p1', 'p2', 'p3'], ['p2']].map((approved, i) => ({ voter: `v${i}`, kind: 'approval' as const, approved })),
  };

  it('Approval example 2: MES selects p0 and p2', () => {
    expect(countVotes(appEx2, mes).selected.sort()).toEqual(['p0', 'p2']);
  });

  it('Approval example 2 with Add1 (0.1 a voter): p0, p1 and p2, stopping once exhaustive', () => {
    const outcome = countVotes(appEx2, { ...mesAdd1, add1Step: 10n });
    expect(outcome.selected.sort()).toEqual(['p0', 'p1', 'p2']);
    expect(outcome.mes).toMatchObject({ increments: 2, endowment: ratio(120n), stop: 'exhaustive', runs: 3 });
  });

  it('Approval example 4: unaffordable at first, p2 once endowments are raised', () => {
    // pabutools gives p0 (cost 0) no utility under Cost_Sat and leaves it out; Cagnotte funds a
    // free project that has support (as pabutools does under Cardinality_Sat).
    const appEx4 = {
      budget: 200n,
      projects: [{ id: 'p0', cost: 0n }, { id: 'p1', cost: 100n }, { id: 'p2', cost: 200n }],
      ballots: [['p0'], ['p0', 'p1', 'p2'], ['p2']].map((approved, i) => ({ voter: `v${i}`, kind: 'approval' as const, approved })),
    };
    expect(countVotes(appEx4, mes).selected).toEqual(['p0']);
    expect(reasonOf(countVotes(appEx4, mes), 'p0')).toEqual({ code: 'mes-free' });
    const add1 = countVotes(appEx4, { ...mesAdd1, add1Step: 10n });
    expect(add1.selected).toEqual(['p0', 'p2']);
    expect(add1.mes?.increments).toBe(4);
  });

  it('the running example of Lackner & Skowron (2023): only a', () => {
    const p = { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1 };
    const ballots = [['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'c'], ['a', 'c'], ['a', 'c'], ['a', 'd'], ['a', 'd'], ['b', 'c', 'f'], ['e'], ['f'], ['g']];
    const outcome = countVotes(approvalElection(4, p, ballots), mes);
    expect(outcome.selected).toEqual(['a']);
    expect(reasonOf(outcome, 'b')).toMatchObject({ supportersLeft: units(23, 24) });
  });
});

describe('Equal Shares with the Add1 completion', () => {
  it('raises endowments one currency unit at a time until the outcome is exhaustive', () => {
    // 100 each: b (3 votes) then c; a (v1, v2) becomes affordable after b once each holds
    // 100 + 250/3, that is from 184 (84 increments). There a and c tie on effective support 2:
    // the cheaper c goes first.
    const e = approvalElection(500, { a: 200, b: 250, c: 40 }, [['a', 'b'], ['a', 'b'], ['c'], ['b'], ['c']]);
    const outcome = countVotes(e, mesAdd1);
    expect(outcome.mes).toMatchObject({ endowment: units(184), increments: 84, runs: 85, stop: 'exhaustive', bought: ['b', 'c', 'a'] });
    expect(outcome.selected).toEqual(['b', 'c', 'a']);
    expect(outcome.ties).toEqual([{ stage: 'mes', among: ['c', 'a'], chosen: 'c' }]);
  });

  it('stops before the increment whose outcome would exceed the budget, then spends the rest greedily', () => {
    // 100 each: only a; x (150, v4 alone) fits in what is left but v4 cannot pay it. At 105 y
    // (210, v4 and v5) becomes affordable and a + y = 510 > 500: Add1 stops at 104; the greedy
    // completion then takes x (y no longer fits in the 200 left).
    const e = approvalElection(500, { a: 300, y: 210, x: 150 }, [['a'], ['a'], ['a'], ['x', 'y'], ['y']]);
    const outcome = countVotes(e, mesAdd1);
    expect(outcome.mes).toMatchObject({ endowment: units(104), increments: 4, runs: 6, stop: 'next-exceeds-budget', bought: ['a'] });
    expect(outcome.selected).toEqual(['a', 'x']);
    expect(reasonOf(outcome, 'x')).toEqual({ code: 'completion-selected', rank: 3, budgetLeft: 20_000n });
    expect(reasonOf(outcome, 'y')).toMatchObject({ code: 'mes-unaffordable', supportersLeft: units(208), completionBudgetLeft: 20_000n });
    expect(outcome.used).toBe(45_000n);
    expect(outcome.exhaustive).toBe(true);
  });
});

describe('Equal Shares with points ballots', () => {
  it('splits the cost in proportion to points, effective support = cost ÷ price per point', () => {
    // Budget 300, 3 voters (100 each). a (cost 120): v1 gives 3 points, v2 1 → 30 a point; v1
    // pays 90, v2 30. Effective support 120/30 = 4 (= its 4 points, all affordable).
    const outcome = countVotes(pointsElection(300, { a: 120, b: 100 }, [{ a: 3 }, { a: 1, b: 1 }, { b: 2 }]), mes);
    expect(reasonOf(outcome, 'a')).toMatchObject({ round: 1, effectiveSupport: ratio(4n), price: units(30) });
    expect(outcome.mes?.shares[0]?.spent).toEqual(units(90));
    // b: v2 has 70 left, v3 100; price per point 100/3 → v2 pays 33.33, v3 66.67.
    expect(reasonOf(outcome, 'b')).toMatchObject({ round: 2, effectiveSupport: ratio(3n), price: units(100, 3) });
  });
});

describe('the comparison step with greedy', () => {
  it('takes the greedy outcome when more voters prefer it (Example 1: 6 against 4)', () => {
    // Greedy: bike + gym, two of their projects for voters 1–6; Equal Shares gives voters 7–10
    // two or one and voters 1–6 one; voter 11 has the bike path either way.
    const outcome = countVotes(example1, { ...mes, compareWithGreedy: true });
    expect(outcome.mes?.comparison).toEqual({ prefersMes: 4, prefersGreedy: 6, chosen: 'greedy' });
    expect(outcome.selected).toEqual(['bike', 'gym']);
    expect(reasonOf(outcome, 'gym')).toMatchObject({ code: 'greedy-selected' });
  });

  it('keeps Equal Shares otherwise (Example 2: 4 against 3)', () => {
    const outcome = countVotes(example2, { ...mes, compareWithGreedy: true });
    expect(outcome.mes?.comparison).toEqual({ prefersMes: 4, prefersGreedy: 3, chosen: 'mes' });
    expect(outcome.selected).toEqual(['gym', 'park', 'playground']);
  });
});
