import { fundingState, type BucketStatus, type FundingStateName } from '@cagnotte/shared';

/** One project as the round page shows it: what the list says, with the live room's funding. */
export type ProjectCardData = {
  bucketId: string;
  title: string;
  summary: string;
  status: BucketStatus;
  createdAt: string;
  fundedCents: number;
  minCents: number;
  maxCents: number;
  contributors: number;
  fundingVersion: number;
  state: FundingStateName;
  missingToMinimumCents: number;
  roomLeftCents: number;
  shareOfMinimumBp: number;
  /** What I put in it (0 when nothing). */
  mineCents: number;
};

export const SORTS = ['nearly', 'most', 'least', 'newest', 'az'] as const;
export type Sort = (typeof SORTS)[number];
export const FILTERS = ['all', 'nearly', 'below', 'mine'] as const;
export type Filter = (typeof FILTERS)[number];
export type ListQuery = { sort: Sort; filter: Filter; q: string };

const first = (value: unknown): string | undefined => (Array.isArray(value) ? first(value[0]) : typeof value === 'string' ? value : undefined);
const oneOf = <T extends string>(values: readonly T[], value: unknown, fallback: T): T => {
  const text = first(value);
  return values.find((v) => v === text) ?? fallback;
};

/** The sort, filter and search kept in the address (`?sort=most&filter=mine&q=jardin`); anything else is the default. */
export function readListQuery(query: Record<string, unknown>): ListQuery {
  return { sort: oneOf(SORTS, query.sort, 'nearly'), filter: oneOf(FILTERS, query.filter, 'all'), q: (first(query.q) ?? '').slice(0, 200) };
}

/** The address query for a list state: defaults are left out so the plain link stays plain. */
export function writeListQuery(list: ListQuery): Record<string, string> {
  const out: Record<string, string> = {};
  if (list.sort !== 'nearly') out.sort = list.sort;
  if (list.filter !== 'all') out.filter = list.filter;
  if (list.q.trim()) out.q = list.q;
  return out;
}

type Static = { id: string; title: string; summary: string; status: BucketStatus; createdAt: string; fundedCents: number; minCents: number; maxCents: number; funding: { contributors: number } };
type Live = { bucketId: string; title: string; status: BucketStatus; fundedCents: number; minCents: number; maxCents: number; contributors: number; fundingVersion: number };

/**
 * The cards: every project of the list (static facts), its funding from the live room when the
 * room knows it (the room is newer), its state by the round's live `nearlyFundedPercent` (the
 * shared rule), and my amount. A project the room shows but the list does not know yet comes
 * last, with what the room says.
 */
export function mergeCards(list: readonly Static[], live: readonly Live[], mine: ReadonlyMap<string, number>, nearlyFundedPercent: number): ProjectCardData[] {
  const byId = new Map(live.map((b) => [b.bucketId, b]));
  const known = new Set(list.map((b) => b.id));
  const card = (s: { id: string; title: string; summary: string; createdAt: string }, l: Live | undefined, fallback: Static | undefined): ProjectCardData => {
    const money = l ?? { fundedCents: fallback?.fundedCents ?? 0, minCents: fallback?.minCents ?? 0, maxCents: fallback?.maxCents ?? 0, contributors: fallback?.funding.contributors ?? 0 };
    const state = fundingState({ fundedCents: money.fundedCents, minCents: money.minCents, maxCents: money.maxCents, contributors: money.contributors }, nearlyFundedPercent);
    return {
      bucketId: s.id,
      title: l?.title ?? s.title,
      summary: s.summary,
      createdAt: s.createdAt,
      status: l?.status ?? fallback?.status ?? 'open',
      fundingVersion: l?.fundingVersion ?? -1,
      fundedCents: state.fundedCents,
      minCents: state.minCents,
      maxCents: state.maxCents,
      contributors: state.contributors,
      state: state.state,
      missingToMinimumCents: state.missingToMinimumCents,
      roomLeftCents: state.roomLeftCents,
      shareOfMinimumBp: state.shareOfMinimumBp,
      mineCents: mine.get(s.id) ?? 0,
    };
  };
  const cards = list.map((s) => card(s, byId.get(s.id), s));
  for (const l of live) if (!known.has(l.bucketId)) cards.push(card({ id: l.bucketId, title: l.title, summary: '', createdAt: '' }, l, undefined));
  return cards;
}

const sameCard = (a: ProjectCardData, b: ProjectCardData) => (Object.keys(a) as (keyof ProjectCardData)[]).every((key) => a[key] === b[key]);

/**
 * The cards of a new frame, each one that did not change replaced by the object shown before:
 * a frame touches a few projects, so the others' cards (1,000 in a big round) are not rendered
 * again. Fills `previous` with what it returns, for the next frame.
 */
export function reuseUnchanged(cards: readonly ProjectCardData[], previous: Map<string, ProjectCardData>): ProjectCardData[] {
  const out = cards.map((c) => {
    const before = previous.get(c.bucketId);
    return before && sameCard(before, c) ? before : c;
  });
  previous.clear();
  for (const c of out) previous.set(c.bucketId, c);
  return out;
}

/** Open projects first, then the others, whatever the sort: what I can still fund comes first. */
const openRank = (c: ProjectCardData) => (c.status === 'open' ? 0 : c.status === 'funded' || c.status === 'completed' ? 1 : 2);
/** "Nearly funded first": nearly, then the rest below the minimum, then reached, then full — closest to its minimum first. */
const STATE_RANK: Record<FundingStateName, number> = { nearly_funded: 0, below_minimum: 1, minimum_reached: 2, full: 3 };

function comparer(sort: Sort, locale: string): (a: ProjectCardData, b: ProjectCardData) => number {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const byKey: Record<Sort, (a: ProjectCardData, b: ProjectCardData) => number> = {
    nearly: (a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || b.shareOfMinimumBp - a.shareOfMinimumBp,
    most: (a, b) => b.fundedCents - a.fundedCents,
    least: (a, b) => a.fundedCents - b.fundedCents,
    newest: (a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0),
    az: (a, b) => collator.compare(a.title, b.title),
  };
  // Ties fall back to a fixed order (title, then id), so equal projects never swap places.
  return (a, b) => openRank(a) - openRank(b) || byKey[sort](a, b) || collator.compare(a.title, b.title) || (a.bucketId < b.bucketId ? -1 : a.bucketId > b.bucketId ? 1 : 0);
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

export function matches(card: ProjectCardData, filter: Filter, q: string): boolean {
  if (filter === 'nearly' && card.state !== 'nearly_funded') return false;
  if (filter === 'below' && card.fundedCents >= card.minCents) return false;
  if (filter === 'mine' && card.mineCents <= 0) return false;
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold(`${card.title} ${card.summary}`);
  return words.every((w) => haystack.includes(w));
}

/** The ids in the order asked, only those the filter keeps: the "fresh" order. */
export function arrange(cards: readonly ProjectCardData[], list: ListQuery, locale: string): string[] {
  return cards
    .filter((c) => matches(c, list.filter, list.q))
    .sort(comparer(list.sort, locale))
    .map((c) => c.bucketId);
}

/**
 * What the page shows while someone is pointing at or focused in the list: the order already on
 * screen (so no card moves under the pointer or the focus), minus projects gone from the round,
 * plus newly matching ones at the end. `moved` counts the projects that would be elsewhere in the
 * fresh order — the "3 projects changed place — re-sort" figure.
 */
export function holdOrder(shown: readonly string[], fresh: readonly string[], existing: ReadonlySet<string>): { order: string[]; moved: number } {
  const kept = shown.filter((id) => existing.has(id));
  const keptSet = new Set(kept);
  const order = [...kept, ...fresh.filter((id) => !keptSet.has(id))];
  // The fewest cards to pick up and put elsewhere: those outside the longest run already in the
  // fresh order, plus those the filter no longer keeps.
  const freshIndex = new Map(fresh.map((id, i) => [id, i]));
  const positions = order.flatMap((id) => {
    const i = freshIndex.get(id);
    return i === undefined ? [] : [i];
  });
  return { order, moved: order.length - longestIncreasingRun(positions) };
}

function longestIncreasingRun(values: readonly number[]): number {
  const tails: number[] = [];
  for (const v of values) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tails[mid] ?? 0) < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
  }
  return tails.length;
}
