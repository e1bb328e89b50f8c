import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    // The server's database (one throwaway PostgreSQL, a template to clone), then the built client.
    globalSetup: ['../server/test/global-setup.ts', './global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
