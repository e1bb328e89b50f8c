import { createRouter, createWebHistory } from 'vue-router';
import HomeView from './views/HomeView.vue';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: HomeView },
    // The magic link lands here: `/sign-in#token=…`.
    { path: '/sign-in', name: 'sign-in', component: HomeView },
    // `/projector/{linkId}#{secret}`: the secret stays in the fragment, which browsers never send.
    { path: '/projector/:linkId', name: 'projector', component: () => import('./views/ProjectorView.vue'), props: true },
    { path: '/:unknown(.*)*', redirect: '/' },
  ],
});
