import { ballotRefusal, type BallotInput, type BallotRules } from '@cagnotte/shared';

/** What the ballot editor holds: project → points (1 for an approval). */
export type Choices = Record<string, number>;

export function totalOf(choices: Choices): number {
  return Object.values(choices).reduce((sum, value) => sum + value, 0);
}

export function countOf(choices: Choices): number {
  return Object.values(choices).filter((value) => value > 0).length;
}

/** The body the server takes for these choices. */
export function ballotBody(rules: BallotRules, choices: Choices, districtId: string | null): BallotInput {
  const kept = Object.entries(choices).filter(([, value]) => value > 0);
  const district = districtId === null ? {} : { districtId };
  return rules.kind === 'approval'
    ? { kind: 'approval', ...district, approved: kept.map(([id]) => id) }
    : { kind: 'points', ...district, points: Object.fromEntries(kept) };
}

/** The rule a ballot breaks, checked as the server will (same shared function), or null. */
export const localRefusal = (rules: BallotRules, choices: Choices) => ballotRefusal(rules, Object.fromEntries(Object.entries(choices).filter(([, v]) => v > 0)));

export function sameChoices(a: Choices, b: Choices): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if ((a[key] ?? 0) !== (b[key] ?? 0)) return false;
  return true;
}
