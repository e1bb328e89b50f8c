import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useSessionStore } from './stores/session.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a member session (sign-in, projector, first run). */
    public?: boolean;
    /** Shown without the app's header (the projector). */
    bare?: boolean;
  }
}

/** Each feature declares its own routes in `features/<feature>/routes.ts`. */
const featureRoutes = Object.values(import.meta.glob<RouteRecordRaw[]>('./features/*/routes.ts', { eager: true, import: 'routes' })).flat();

/** Resolves once the page can scroll down to `top`, or after a few seconds whatever its height. */
function tallEnough(top: number): Promise<void> {
  const fits = () => document.documentElement.scrollHeight - window.innerHeight >= top;
  if (fits()) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new ResizeObserver(() => fits() && done());
    const timer = setTimeout(() => done(), 10_000);
    function done() {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    }
    observer.observe(document.body);
  });
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...featureRoutes,
    // `/projector/{linkId}#{secret}`: the secret stays in the fragment, which browsers never send.
    {
      path: '/projector/:linkId',
      name: 'projector',
      component: () => import('./views/ProjectorView.vue'),
      props: true,
      meta: { public: true, bare: true },
    },
    { path: '/:unknown(.*)*', name: 'not-found', component: () => import('./features/shell/NotFoundView.vue'), meta: { public: true } },
  ],
  scrollBehavior(to, _from, saved) {
    // Back to a long page that fills in slices (the round's cards): scroll once it is tall enough.
    if (saved) return tallEnough(saved.top).then(() => saved);
    if (to.hash && !to.hash.includes('=')) return { el: to.hash };
    return { top: 0 };
  },
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const session = useSessionStore();
  await session.ready();
  if (session.me) return true;
  return { name: 'sign-in', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
});
