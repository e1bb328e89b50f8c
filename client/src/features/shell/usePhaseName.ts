import { useI18n } from 'vue-i18n';
import type { RoundKind, RoundPhase } from '@cagnotte/shared';

/** A round's phase in words: a vote round's funding phase is its vote ("Vote in progress", not "Funding open"). */
export function usePhaseName() {
  const { t } = useI18n();
  return (round: { kind: RoundKind }, phase: RoundPhase) => t(round.kind === 'vote' ? `shell.votePhase.${phase}` : `shell.phase.${phase}`);
}
