import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  // The review, merge, comment and co-proposer e-mails link here (`bucketUrl` in the server).
  { path: '/buckets/:bucketId', name: 'bucket', component: () => import('./BucketView.vue'), props: true },
];
