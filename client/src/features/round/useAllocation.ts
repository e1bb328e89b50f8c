import { readonly, ref } from 'vue';
import { useQueryCache } from '@pinia/colada';
import { bucketsApi } from '../../api/buckets.ts';
import { ApiError, idempotencyKey } from '../../api/http.ts';
import type { AllocationResult } from '@cagnotte/shared';
import { keys } from '../../queries/rounds.ts';

/** The change being sent, with the key of that intended change (reused by a retry). */
type Intent = { amountCents: number; key: string };

/**
 * Setting my amount in one project: pending at once, then the server's truth fed to the live
 * room (which keeps whichever state is newer). A retry of the same amount after a lost reply
 * reuses its Idempotency-Key, so it never counts twice; any other amount is a new change.
 */
export function useAllocation(room: () => { applyAllocation(result: AllocationResult): void } | null, roundId: () => string, bucketId: () => string) {
  const pending = ref<number | null>(null);
  const problem = ref<{ error: ApiError; asked: number } | null>(null);
  const cache = useQueryCache();
  let unsent: Intent | null = null;

  async function set(amountCents: number): Promise<boolean> {
    if (pending.value !== null) return false;
    const intent = unsent && unsent.amountCents === amountCents ? unsent : { amountCents, key: idempotencyKey() };
    unsent = intent;
    pending.value = amountCents;
    problem.value = null;
    try {
      const result = await bucketsApi.allocate(bucketId(), amountCents, intent.key);
      room()?.applyAllocation(result);
      unsent = null;
      return true;
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError({ type: 'about:blank', title: String(error), status: 0, code: 'network_error' });
      // A lost reply keeps the key for a retry; an answer (even a refusal) ends this change.
      if (failure.status !== 0 && failure.code !== 'request_in_progress') unsent = null;
      problem.value = { error: failure, asked: amountCents };
      if (failure.code === 'bucket_not_open' || failure.code === 'round_not_funding') {
        void cache.invalidateQueries({ key: keys.roundBuckets(roundId()) });
        void cache.invalidateQueries({ key: keys.round(roundId()) });
      }
      return false;
    } finally {
      pending.value = null;
    }
  }

  return { pending: readonly(pending), problem: readonly(problem), set, dismiss: () => (problem.value = null) };
}
