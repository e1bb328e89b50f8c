import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // A worker runs file after file in the same modules: each file already has its own database
    // and app, and nothing mocks a module, so loading fastify, drizzle and every route again for
    // each file only cost time (measured here: vitest's "import" 398 s of a 1,998 s run, 45 s
    // without isolation; the buckets and rounds tests 163 s → 86 s).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
