import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../app.ts';
import { repoRoot } from '../bootstrap.ts';
import { baseConfig } from '../config.ts';
import { createDb, createPool } from '../db/client.ts';

/**
 * Writes docs/openapi.json from the routes' zod schemas; `--check` fails when the committed
 * file is stale. No database is reached: routes are only registered, never called.
 */
const target = path.join(repoRoot, 'docs/openapi.json');
const pool = createPool('postgres://nobody@127.0.0.1:1/none', 1);
const app = await buildApp({
  config: baseConfig({ sessionSecret: new Uint8Array(32), logLevel: 'silent' }),
  db: createDb(pool),
  pool,
});
await app.ready();
const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await pool.end();

if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (committed !== document) {
    console.error('docs/openapi.json is stale: run `npm run openapi` and commit the result.');
    process.exit(1);
  }
  console.log('docs/openapi.json is up to date.');
} else {
  writeFileSync(target, document);
  console.log(`Wrote ${path.relative(process.cwd(), target)}.`);
}
