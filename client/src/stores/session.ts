import { defineStore } from 'pinia';
import { computed, readonly, ref } from 'vue';
import type { Locale, Me } from '@cagnotte/shared';
import { authApi } from '../api/auth.ts';
import { applyLocale, chosenLocale } from '../i18n/index.ts';

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
    speak();
  }
  async function redeem(token: string) {
    me.value = (await authApi.openSession(token)).me;
    loading = Promise.resolve();
    speak();
  }
  /** The person's language: their own choice, else this device's, else their organisation's. */
  function speak() {
    const person = me.value;
    if (!person) return;
    const own = person.person.locale;
    if (own) void applyLocale(own, true);
    else if (!chosenLocale() && person.memberships[0]) void applyLocale(person.memberships[0].organisation.locale);
  }
  /** Kept for this person on every device. */
  async function chooseLocale(locale: Locale) {
    await applyLocale(locale, true);
    if (me.value) me.value = await authApi.updateMe({ locale }).catch(() => me.value);
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
  return { me: readonly(me), memberships, ready, load, redeem, requestLink, signOut, forget, membershipIn, chooseLocale };
});
