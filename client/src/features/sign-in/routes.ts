import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  // The e-mailed link lands here: `/sign-in#token=…`.
  { path: '/sign-in', name: 'sign-in', component: () => import('./SignInView.vue'), meta: { public: true } },
];
