import { useQuery } from '@pinia/colada';
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Round } from '@cagnotte/shared';
import { votesApi } from '../../api/votes.ts';
import { useAdminAction } from '../round-admin/useRoundAdmin.ts';
import './messages.ts';

/**
 * Which district each resident of a vote round votes in, and staff's way to place them: the
 * round's page and the Members page share it. A resident who has voted keeps their district.
 */
export function useVoterDistricts(round: MaybeRefOrGetter<Round | null | undefined>) {
  const { t } = useI18n();
  const roundId = () => toValue(round)?.id ?? '';
  const placed = useQuery({ key: () => ['round', roundId(), 'voter-districts'], query: () => votesApi.voterDistricts(roundId()), enabled: () => Boolean(toValue(round)) });
  const { busy, run } = useAdminAction(roundId);
  const byMember = computed(() => new Map((placed.data.value?.voters ?? []).map((v) => [v.membershipId, v])));

  const districtOf = (membershipId: string) => byMember.value.get(membershipId)?.districtId ?? null;
  const hasVoted = (membershipId: string) => byMember.value.get(membershipId)?.voted ?? false;
  const isFixed = (membershipId: string) => toValue(round)?.phase === 'closed' || hasVoted(membershipId) || busy.value === `voter-${membershipId}`;
  function place(membershipId: string, districtId: string | null) {
    void run(`voter-${membershipId}`, () => votesApi.setVoterDistrict(roundId(), membershipId, districtId), () => t('voteSetup.voters.saved'));
  }
  return { byMember, districtOf, hasVoted, isFixed, place };
}
