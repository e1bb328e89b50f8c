import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/rounds/:roundId/vote', name: 'vote-ballot', component: () => import('./BallotView.vue'), props: true },
  { path: '/rounds/:roundId/vote/paper', name: 'vote-paper', component: () => import('./PaperBallotView.vue'), props: true },
  { path: '/rounds/:roundId/vote/results', name: 'vote-results', component: () => import('./VoteResultsView.vue'), props: true },
];
