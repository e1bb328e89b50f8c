import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { PiniaColada } from '@pinia/colada';
import App from './App.vue';
import { i18n, initialLocale, loadLocale } from './i18n/index.ts';
import { router } from './router.ts';
import { onUnauthorised } from './api/http.ts';
import { useSessionStore } from './stores/session.ts';
import './styles.css';

const pinia = createPinia();
const app = createApp(App).use(pinia).use(PiniaColada, { queryOptions: { staleTime: 10_000 } }).use(i18n).use(router);

// Any 401 means the session is over: forget it and, on a member page, ask to sign in again.
onUnauthorised(() => {
  const session = useSessionStore(pinia);
  const route = router.currentRoute.value;
  if (!session.me || route.meta.public) return;
  session.forget();
  void router.replace({ name: 'sign-in', query: { redirect: route.fullPath, expired: '1' } });
});

// The first page shows in the reader's language: its messages come before the mount.
void loadLocale(initialLocale).then(() => app.mount('#app'));
