import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // A worker runs file after file in the same modules: each file already has its own database
    // and app, and nothing mocks a module, so loading fastify, drizzle and every route again for
    // each file only cost time (in CI, about a third of the server tests' time).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
