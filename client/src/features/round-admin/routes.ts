import type { RouteRecordRaw } from 'vue-router';

/** An admin's pages of a round: its settings and phases, allowances, paper ballots, projector, close. */
export const routes: RouteRecordRaw[] = [
  { path: '/rounds/:roundId/manage', name: 'round-manage', component: () => import('./ManageSettingsView.vue'), props: true },
  { path: '/rounds/:roundId/manage/allowances', name: 'round-manage-allowances', component: () => import('./ManageAllowancesView.vue'), props: true },
  { path: '/rounds/:roundId/manage/ballots', name: 'round-manage-ballots', component: () => import('./ManageBallotsView.vue'), props: true },
  { path: '/rounds/:roundId/manage/projector', name: 'round-manage-projector', component: () => import('./ManageProjectorView.vue'), props: true },
  { path: '/rounds/:roundId/manage/close', name: 'round-manage-close', component: () => import('./ManageCloseView.vue'), props: true },
];
