import { defineStore } from 'pinia';
import { readonly, ref } from 'vue';
import { api } from '../api.ts';

// Per tab: a reload keeps following the round with the session cookie, the secret being gone from the URL.
const remembered = (linkId: string) => `cagnotte.projector.${linkId}`;

/** The projector's read-only session: which round the link opened. */
export const useProjectorStore = defineStore('projector', () => {
  const roundId = ref<string | null>(null);

  async function open(linkId: string, secret: string): Promise<string> {
    const opened = await api.openProjectorSession({ linkId, secret });
    sessionStorage.setItem(remembered(linkId), opened.roundId);
    roundId.value = opened.roundId;
    return opened.roundId;
  }
  function resume(linkId: string): string | null {
    roundId.value = sessionStorage.getItem(remembered(linkId));
    return roundId.value;
  }
  function forget(linkId: string) {
    sessionStorage.removeItem(remembered(linkId));
    roundId.value = null;
  }

  return { roundId: readonly(roundId), open, resume, forget };
});
