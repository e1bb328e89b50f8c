import type { RouteRecordRaw } from 'vue-router';

/** The first run: `/setup#token=…`, the one-time link the app prints at start on an instance without an organisation. */
export const routes: RouteRecordRaw[] = [{ path: '/setup', name: 'setup', component: () => import('./SetupView.vue'), meta: { public: true } }];
