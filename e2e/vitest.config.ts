import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    // The server's database (one throwaway PostgreSQL, a template to clone), then the built client.
    globalSetup: ['../server/test/global-setup.ts', './global-setup.ts'],
    // As for the server tests: each file has its own app, database and Chromium, so the modules
    // (the server's, playwright's) are loaded once per worker rather than once per file.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
