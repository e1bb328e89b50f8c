import { useI18n } from 'vue-i18n';
import { ApiError } from '../../api/http.ts';
import './messages.ts';

/** Our own words for a refusal: known codes by the caller's map, the rest a plain "try again". */
export function useProposeProblem() {
  const { t } = useI18n();
  return (error: unknown, known: Record<string, string> = {}): string => {
    if (!(error instanceof ApiError)) return t('propose.errors.generic');
    if (error.status === 0) return t('propose.errors.network');
    return known[error.code] ?? t('propose.errors.generic');
  };
}
