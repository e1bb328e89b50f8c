import { useQuery } from '@pinia/colada';
import { toValue, type MaybeRefOrGetter } from 'vue';
import { exportsApi } from '../api/exports.ts';

export const accountKeys = {
  reconciliation: (roundId: string) => ['round', roundId, 'reconciliation'] as const,
};

/** Invariant 6 of a round, computed by the server from its stored totals and from its ledger. */
export function useReconciliationQuery(roundId: MaybeRefOrGetter<string>) {
  return useQuery({ key: () => accountKeys.reconciliation(toValue(roundId)), query: () => exportsApi.reconciliation(toValue(roundId)) });
}
