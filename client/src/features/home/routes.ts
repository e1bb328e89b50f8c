import type { RouteRecordRaw } from 'vue-router';
import HomeView from './HomeView.vue';

export const routes: RouteRecordRaw[] = [{ path: '/', name: 'home', component: HomeView }];
