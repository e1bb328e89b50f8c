import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  // The funding reminder e-mail links here.
  { path: '/rounds/:roundId', name: 'round', component: () => import('./RoundView.vue'), props: true },
];
