import type { RouteRecordRaw } from 'vue-router';

/** An organisation's administration: its members and its settings. */
export const routes: RouteRecordRaw[] = [
  { path: '/orgs/:orgId/members', name: 'org-members', component: () => import('./MembersView.vue'), props: true },
  { path: '/orgs/:orgId/settings', name: 'org-settings', component: () => import('./SettingsView.vue'), props: true },
  { path: '/orgs/:orgId/rounds/new', name: 'round-new', component: () => import('./NewRoundView.vue'), props: true },
];
