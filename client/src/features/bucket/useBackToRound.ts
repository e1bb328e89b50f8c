import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useRouter, type RouteLocationRaw } from 'vue-router';

/**
 * The way back to the round this project belongs to. The round page keeps its sort, filter and
 * scroll in the URL and the history entry, so when the page we came from is that round, going
 * back in history restores it exactly; opened from an e-mail or another page, it is a plain link.
 */
export function useBackToRound(roundId: MaybeRefOrGetter<string>) {
  const router = useRouter();
  // vue-router keeps the previous entry's full path in the current entry's state.
  const state: unknown = window.history.state;
  const previous = state && typeof state === 'object' && 'back' in state && typeof state.back === 'string' ? state.back : null;

  const fromRound = computed(() => {
    if (!previous) return false;
    const target = router.resolve(previous);
    return target.name === 'round' && target.params.roundId === toValue(roundId);
  });
  const to = computed<RouteLocationRaw>(() => (fromRound.value && previous ? previous : { name: 'round', params: { roundId: toValue(roundId) } }));

  function follow(event: MouseEvent) {
    if (!fromRound.value || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    router.back();
  }
  return { to, follow };
}
