import type { RoundKind, RoundPhase } from '@cagnotte/shared';
import { useRoundWords } from './useRoundWords.ts';

/** A round's phase in words: a vote round's funding phase is its vote ("Vote in progress", not "Funding open"). */
export function usePhaseName() {
  const roundWords = useRoundWords();
  return (round: { kind: RoundKind }, phase: RoundPhase) => roundWords(round, `shell.phase.${phase}`);
}
