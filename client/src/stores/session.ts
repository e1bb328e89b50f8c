import { defineStore } from 'pinia';
import { readonly, ref } from 'vue';
import type { Me } from '@cagnotte/shared';
import { api } from '../api.ts';

export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);

  async function load() {
    me.value = await api.me().catch(() => null);
  }
  async function redeem(token: string) {
    me.value = (await api.openSession(token)).me;
  }
  async function requestLink(email: string) {
    await api.requestMagicLink(email);
  }
  async function signOut() {
    await api.signOut();
    me.value = null;
  }
  return { me: readonly(me), load, redeem, requestLink, signOut };
});
