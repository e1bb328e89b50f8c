import { useI18n } from 'vue-i18n';
import { ApiError } from '../../api/http.ts';
import './messages.ts';

/**
 * What to tell a person when a change was refused. The server's `detail` is written in English
 * for API users, so known codes get our own words; anything else gets a plain "try again".
 */
export function useProblemText() {
  const { t } = useI18n();
  return (error: unknown, known: Record<string, string> = {}): string => {
    if (!(error instanceof ApiError)) return t('bucket.errors.generic');
    if (error.status === 0) return t('bucket.errors.network');
    return known[error.code] ?? t('bucket.errors.generic');
  };
}
