import { computed, ref, toValue, type MaybeRefOrGetter } from 'vue';
import { holdsAllowance, type Member } from '@cagnotte/shared';
import { useOrganisationRoundsQuery } from '../../queries/rounds.ts';
import { useVoteSettingsQuery } from '../vote-setup/useVoteSettings.ts';
import { useVoterDistricts } from '../vote-setup/useVoterDistricts.ts';

/**
 * The Members page's district column: while a vote round with districts is not closed, admins
 * place each resident in theirs here too, as on the round's page. With several such rounds,
 * `chosenRoundId` says which one the column shows.
 */
export function useMemberDistricts(orgId: MaybeRefOrGetter<string>, isAdmin: MaybeRefOrGetter<boolean>) {
  const rounds = useOrganisationRoundsQuery(orgId);
  const voteRounds = computed(() => (toValue(isAdmin) ? (rounds.data.value?.rounds ?? []) : []).filter((r) => r.kind === 'vote' && r.phase !== 'closed'));
  const chosenRoundId = ref('');
  const round = computed(() => voteRounds.value.find((r) => r.id === chosenRoundId.value) ?? voteRounds.value[0] ?? null);
  const settings = useVoteSettingsQuery(() => round.value?.id ?? '', () => round.value !== null);
  const districts = computed(() => (round.value ? (settings.data.value?.districts ?? []) : []));
  const residents = useVoterDistricts(() => (districts.value.length > 0 ? round.value : null));
  const votesIn = (member: Member) => round.value !== null && holdsAllowance(member, round.value.allowanceHolders);
  return { voteRounds, chosenRoundId, round, districts, residents, votesIn };
}
