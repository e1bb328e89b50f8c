import { describe, expect, it } from 'vitest';
import { arrange, holdOrder, matches, mergeCards, readListQuery, reuseUnchanged, writeListQuery, type ProjectCardData } from './round-list.ts';

const card = (id: string, values: Partial<ProjectCardData> = {}): ProjectCardData => ({
  bucketId: id,
  title: id,
  summary: '',
  status: 'open',
  createdAt: '2026-01-01T00:00:00.000Z',
  fundedCents: 0,
  minCents: 100_000,
  maxCents: 150_000,
  contributors: 0,
  fundingVersion: 1,
  state: 'below_minimum',
  missingToMinimumCents: 100_000,
  roomLeftCents: 150_000,
  shareOfMinimumBp: 0,
  mineCents: 0,
  ...values,
});
const query = (sort: 'nearly' | 'most' | 'least' | 'newest' | 'az', filter: 'all' | 'nearly' | 'below' | 'mine' = 'all', q = '') => ({ sort, filter, q });

describe('the round page list', () => {
  it('reads the sort, filter and search from the address, defaulting anything unknown', () => {
    expect(readListQuery({ sort: 'most', filter: 'mine', q: 'jardin' })).toEqual({ sort: 'most', filter: 'mine', q: 'jardin' });
    expect(readListQuery({ sort: 'random', filter: ['nearly', 'x'] })).toEqual({ sort: 'nearly', filter: 'nearly', q: '' });
    expect(writeListQuery({ sort: 'nearly', filter: 'all', q: ' ' })).toEqual({});
    expect(writeListQuery({ sort: 'az', filter: 'below', q: 'vélo' })).toEqual({ sort: 'az', filter: 'below', q: 'vélo' });
  });

  it('merges the list with the live funding and recomputes the state with the live threshold', () => {
    const summary = { id: 'a', title: 'Jardin', summary: 'Un potager', status: 'open' as const, createdAt: '2026-01-01T00:00:00.000Z', fundedCents: 0, minCents: 1000, maxCents: 2000, funding: { contributors: 0 } };
    const live = { bucketId: 'a', title: 'Jardin partagé', status: 'open' as const, fundedCents: 700, minCents: 1000, maxCents: 2000, contributors: 3, fundingVersion: 4 };
    const [merged] = mergeCards([summary], [live], new Map([['a', 200]]), 70);
    expect(merged).toMatchObject({ title: 'Jardin partagé', summary: 'Un potager', fundedCents: 700, contributors: 3, state: 'nearly_funded', missingToMinimumCents: 300, mineCents: 200 });
    expect(mergeCards([summary], [live], new Map(), 80)[0]?.state).toBe('below_minimum');
    expect(mergeCards([], [live], new Map(), 80).map((c) => c.bucketId)).toEqual(['a']);
  });

  it('puts nearly funded projects first, the closest to its minimum leading, then the closed ones', () => {
    const cards = [
      card('below', { state: 'below_minimum', shareOfMinimumBp: 3000 }),
      card('reached', { state: 'minimum_reached', shareOfMinimumBp: 11000 }),
      card('near85', { state: 'nearly_funded', shareOfMinimumBp: 8500 }),
      card('near95', { state: 'nearly_funded', shareOfMinimumBp: 9500 }),
      card('rejected', { status: 'withdrawn', state: 'nearly_funded', shareOfMinimumBp: 9900 }),
    ];
    expect(arrange(cards, query('nearly'), 'fr')).toEqual(['near95', 'near85', 'below', 'reached', 'rejected']);
  });

  it('sorts by most and least funded, newest and A–Z, ties in a fixed order', () => {
    const cards = [card('b', { fundedCents: 5, createdAt: '2026-03-01' }), card('a', { fundedCents: 5, createdAt: '2026-01-01' }), card('c', { fundedCents: 9, createdAt: '2026-02-01' })];
    expect(arrange(cards, query('most'), 'fr')).toEqual(['c', 'a', 'b']);
    expect(arrange(cards, query('least'), 'fr')).toEqual(['a', 'b', 'c']);
    expect(arrange(cards, query('newest'), 'fr')).toEqual(['b', 'c', 'a']);
    const titled = [card('1', { title: 'Vélos' }), card('2', { title: 'école' }), card('3', { title: 'Arbres' })];
    expect(arrange(titled, query('az'), 'fr')).toEqual(['3', '2', '1']);
  });

  it('filters nearly funded, below the minimum, mine, and by words ignoring accents and case', () => {
    const near = card('near', { state: 'nearly_funded', fundedCents: 90_000, title: 'Café solidaire' });
    const reached = card('reached', { state: 'minimum_reached', fundedCents: 100_000, mineCents: 500, summary: 'Des ARBRES en ville' });
    expect(matches(near, 'nearly', '')).toBe(true);
    expect(matches(reached, 'nearly', '')).toBe(false);
    expect(matches(near, 'below', '')).toBe(true);
    expect(matches(reached, 'below', '')).toBe(false);
    expect(matches(reached, 'mine', '')).toBe(true);
    expect(matches(near, 'mine', '')).toBe(false);
    expect(matches(near, 'all', 'cafe')).toBe(true);
    expect(matches(reached, 'all', 'arbres ville')).toBe(true);
    expect(matches(reached, 'all', 'arbres vélo')).toBe(false);
  });

  it('equal projects keep their order however often the live funding re-sorts them', () => {
    const cards = ['d', 'a', 'c', 'b'].map((id) => card(id, { title: 'Même titre', fundedCents: 10 }));
    const once = arrange(cards, query('most'), 'fr');
    expect(arrange([...cards].reverse(), query('most'), 'fr')).toEqual(once);
    expect(once).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('holding the order while the list is touched', () => {
  it('keeps the cards where they are and counts the ones that would move', () => {
    const shown = ['a', 'b', 'c', 'd'];
    // Someone funded d: the fresh order puts it first.
    const { order, moved } = holdOrder(shown, ['d', 'a', 'b', 'c'], new Set(shown));
    expect(order).toEqual(shown);
    expect(moved).toBe(1);
  });

  it('drops projects gone from the round and appends newly matching ones', () => {
    const { order } = holdOrder(['a', 'b', 'c'], ['c', 'e', 'a'], new Set(['a', 'c', 'e']));
    expect(order).toEqual(['a', 'c', 'e']);
  });

  it('counts a project the filter no longer keeps as one that changes place', () => {
    // Filter "below the minimum": b reached its minimum, it stays on screen until the re-sort.
    expect(holdOrder(['a', 'b', 'c'], ['a', 'c'], new Set(['a', 'b', 'c']))).toEqual({ order: ['a', 'b', 'c'], moved: 1 });
  });

  it('reports nothing moved when the fresh order is the one shown', () => {
    expect(holdOrder(['a', 'b'], ['a', 'b'], new Set(['a', 'b'])).moved).toBe(0);
  });

  it('keeps the card objects a frame did not change, so only changed projects are rendered again', () => {
    const previous = new Map<string, ProjectCardData>();
    const first = reuseUnchanged([card('a'), card('b', { fundedCents: 10_000 })], previous);
    const next = reuseUnchanged([card('a'), card('b', { fundedCents: 20_000, fundingVersion: 2 }), card('c')], previous);
    expect(next[0]).toBe(first[0]);
    expect(next[1]).not.toBe(first[1]);
    expect(next[1]?.fundedCents).toBe(20_000);
    expect(next.map((c) => c.bucketId)).toEqual(['a', 'b', 'c']);
    expect([...previous.keys()]).toEqual(['a', 'b', 'c']);
    expect(reuseUnchanged([card('a', { mineCents: 500 })], previous)[0]).not.toBe(next[0]);
  });
});
