import { useI18n } from 'vue-i18n';
import { ApiError } from '../../api/http.ts';
import './messages.ts';

/** Why the server refused, in the reader's words: our sentence for known codes, the server's otherwise. */
export function useRefusalText() {
  const { t, te } = useI18n();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('review.failed');
    const key = `review.refusal.${error.code}`;
    if (te(key)) return t(key);
    if (error.status === 403) return t('review.refusal.forbidden');
    return error.message;
  };
}
