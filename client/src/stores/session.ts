import { defineStore } from 'pinia';
import { computed, readonly, ref } from 'vue';
import type { Me } from '@cagnotte/shared';
import { authApi } from '../api/auth.ts';

/** Who is signed in. `ready()` resolves once the first `GET /api/auth/me` answered. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  let loading: Promise<void> | null = null;

  function ready(): Promise<void> {
    loading ??= load();
    return loading;
  }
  async function load() {
    me.value = await authApi.me().catch(() => null);
  }
  async function redeem(token: string) {
    me.value = (await authApi.openSession(token)).me;
    loading = Promise.resolve();
  }
  async function requestLink(email: string) {
    await authApi.requestMagicLink(email);
  }
  async function signOut() {
    await authApi.signOut().catch(() => undefined);
    forget();
  }
  /** The server said 401: the session is over (expired, revoked elsewhere). */
  function forget() {
    me.value = null;
    loading = Promise.resolve();
  }
  function membershipIn(organisationId: string) {
    return me.value?.memberships.find((m) => m.organisation.id === organisationId) ?? null;
  }

  const memberships = computed(() => me.value?.memberships ?? []);
  return { me: readonly(me), memberships, ready, load, redeem, requestLink, signOut, forget, membershipIn };
});
