import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { browserTestsMode } from './support/chromium.ts';
import { clientDir, clientDist, repository } from './support/paths.ts';

/** The newest modification time under `target` (a file or a folder). */
function newest(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((latest, name) => Math.max(latest, newest(path.join(target, name))), stat.mtimeMs);
}

/** Builds the client when client/dist is missing or older than its sources (the client bundles shared/ too). */
export default async function setup() {
  if (browserTestsMode() !== 'run') return;
  const built = newest(path.join(clientDist, 'index.html'));
  const sources = Math.max(
    ...[path.join(clientDir, 'src'), path.join(clientDir, 'index.html'), path.join(clientDir, 'vite.config.ts'), path.join(repository, 'shared', 'src')].map(newest),
  );
  if (built > sources) return;
  await build({ root: clientDir, logLevel: 'warn' });
}
