import type { RouteRecordRaw } from 'vue-router';

/** A proposer's pages: a new project in a round, editing one, and mine across rounds. */
export const routes: RouteRecordRaw[] = [
  { path: '/rounds/:roundId/propose', name: 'propose', component: () => import('./ProposeView.vue'), props: true },
  { path: '/buckets/:bucketId/edit', name: 'bucket-edit', component: () => import('./EditView.vue'), props: true },
  { path: '/my-projects', name: 'my-projects', component: () => import('./MyProjectsView.vue') },
];
