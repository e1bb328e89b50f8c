import { useQuery } from '@pinia/colada';
import { computed, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { MyBallot } from '@cagnotte/shared';
import { ApiError } from '../../api/http.ts';
import { votesApi } from '../../api/votes.ts';
import { useRoundPage } from '../round/useRoundPage.ts';
import { ballotBody, localRefusal, sameChoices, type Choices } from './ballot.ts';

/**
 * A ballot being filled in, for a resident (their own) or for staff (a paper ballot): the round,
 * its settings, the live projects, the saved ballot and the one being edited, and `save`.
 */
export function useBallotPage(roundId: MaybeRefOrGetter<string>, load: () => Promise<MyBallot>, save: (body: ReturnType<typeof ballotBody>) => Promise<MyBallot>, loadKey: () => string) {
  const page = useRoundPage(roundId);
  const settings = useQuery({ key: () => ['round', toValue(roundId), 'vote'], query: () => votesApi.settings(toValue(roundId)) });
  const saved = useQuery({ key: () => ['round', toValue(roundId), 'ballot', loadKey()], query: load });
  const choices = ref<Choices>({});
  const districtId = ref<string | null>(null);
  const refusal = ref<ApiError | null>(null);
  const saving = ref(false);
  const lastSaved = ref<MyBallot | null>(null);

  const current = computed(() => lastSaved.value ?? saved.data.value ?? null);
  watch(current, (ballot) => {
    choices.value = { ...(ballot?.ballot?.choices ?? {}) };
    districtId.value = ballot?.ballot?.districtId ?? null;
  }, { immediate: true });

  const projects = computed(() => {
    const districts = settings.data.value?.projectDistricts ?? {};
    const live = page.buckets.value.filter((b) => b.status === 'open' || b.status === 'funded' || b.status === 'not_funded');
    return live.map((b) => ({ bucketId: b.bucketId, title: b.title, maxCents: b.maxCents, contributors: b.contributors, districtId: districts[b.bucketId] ?? null }));
  });
  const dirty = computed(() => {
    const ballot = current.value?.ballot;
    return !sameChoices(choices.value, ballot?.choices ?? {}) || (districtId.value !== (ballot?.districtId ?? null) && Object.keys(choices.value).length > 0);
  });
  const rules = computed(() => current.value?.rules ?? settings.data.value?.ballot ?? null);
  const broken = computed(() => (rules.value ? localRefusal(rules.value, choices.value) : null));

  async function submit() {
    if (!rules.value) return;
    saving.value = true;
    refusal.value = null;
    try {
      lastSaved.value = await save(ballotBody(rules.value, choices.value, (settings.data.value?.districts.length ?? 0) > 0 ? districtId.value : null));
    } catch (error) {
      if (error instanceof ApiError) refusal.value = error;
      else throw error;
    } finally {
      saving.value = false;
    }
  }

  return { ...page, settings, saved, current, choices, districtId, projects, dirty, rules, broken, refusal, saving, submit };
}
