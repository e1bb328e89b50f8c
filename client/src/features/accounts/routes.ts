import type { RouteRecordRaw } from 'vue-router';

/** The accountant's page of a round: its reconciliation and its files. */
export const routes: RouteRecordRaw[] = [
  { path: '/rounds/:roundId/accounts', name: 'round-accounts', component: () => import('./AccountsView.vue'), props: true },
];
