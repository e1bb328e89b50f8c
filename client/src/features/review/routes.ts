import type { RouteRecordRaw } from 'vue-router';

/** The reviewers' queue of a round: costing, decisions, merges and the flags overview. */
export const routes: RouteRecordRaw[] = [
  { path: '/rounds/:roundId/review', name: 'round-review', component: () => import('./ReviewView.vue'), props: true },
];
