import type { RouteRecordRaw } from 'vue-router';

/** The round's records: what was decided, the grid projects are judged by, and what came of it. */
export const routes: RouteRecordRaw[] = [
  { path: '/rounds/:roundId/history', name: 'round-history', component: () => import('./HistoryView.vue'), props: true },
  { path: '/rounds/:roundId/criteria', name: 'round-criteria', component: () => import('./CriteriaView.vue'), props: true },
  { path: '/rounds/:roundId/results', name: 'round-results', component: () => import('./ResultsView.vue'), props: true },
  { path: '/rounds/:roundId/receipt', name: 'round-receipt', component: () => import('./ReceiptView.vue'), props: true },
];
