import { useI18n } from 'vue-i18n';
import type { RoundKind } from '@cagnotte/shared';

/**
 * A text a vote round words its own way: `key` for an allowance round, `${key}Vote` for a vote
 * round, whose residents hold no money ("before the vote", not "before funding").
 */
export function useRoundWords() {
  const { t } = useI18n();
  return (round: { kind: RoundKind }, key: string, named: Record<string, unknown> = {}) => t(round.kind === 'vote' ? `${key}Vote` : key, named);
}
