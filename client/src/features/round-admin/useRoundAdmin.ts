import { useQueryCache } from '@pinia/colada';
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError } from '../../api/http.ts';
import { useToasts } from '../../ui/toasts.ts';

/**
 * Runs one admin action: busy while it runs, then a toast saying it worked or why not, and the
 * round's cached reads refreshed.
 */
export function useAdminAction(roundId: () => string) {
  const { t } = useI18n();
  const toasts = useToasts();
  const cache = useQueryCache();
  const busy = ref<string | null>(null);

  async function run<T>(name: string, action: () => Promise<T>, done?: (result: T) => string): Promise<T | null> {
    busy.value = name;
    try {
      const result = await action();
      await cache.invalidateQueries({ key: ['round', roundId()] });
      if (done) toasts.show(done(result), { tone: 'success' });
      return result;
    } catch (e) {
      toasts.show(e instanceof ApiError ? e.message : t('roundAdmin.failed'), { tone: 'error' });
      return null;
    } finally {
      busy.value = null;
    }
  }
  return { busy, run };
}
