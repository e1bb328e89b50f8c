/**
 * The gzipped size of the JavaScript a member's browser loads before the first page shows:
 * the entry, every chunk index.html preloads and the app-wide messages main.ts waits for before
 * mounting (the larger language's), then each member page's own chunks (read from Vite's
 * manifest). The home renders from the initial set alone. Build first: `npm run build`. Run: `npx tsx bench/client-size.ts`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(import.meta.dirname, '..', 'client', 'dist');
type Chunk = { file: string; imports?: string[]; src?: string; isEntry?: boolean };
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, Chunk>;
const gz = (file: string) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;

/** A chunk and its static imports, each counted once. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const next of manifest[key]?.imports ?? []) closure(next, seen);
  return seen;
}
const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
if (!entryKey) throw new Error('no entry in the manifest: build the client first');
const initial = closure(entryKey);
// main.ts loads one language's messages (src/i18n/messages-<locale>.ts) before the first page.
const localeKeys = Object.keys(manifest).filter((key) => /i18n\/messages-[a-z]+\.ts$/.test(key));
if (localeKeys.length === 0) throw new Error('no messages-<locale> chunk in the manifest: has src/i18n changed?');
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const size = (keys: Iterable<string>) => [...keys].reduce((sum, key) => sum + gz(manifest[key]?.file ?? ''), 0);

const heaviest = localeKeys
  .map((key) => [...closure(key)].filter((k) => !initial.has(k)))
  .sort((a, b) => size(b) - size(a))[0] ?? [];
for (const key of heaviest) initial.add(key);
// The home is a signed-in member's first page: if it ever becomes its own chunk, it still counts.
const homeKey = Object.keys(manifest).find((k) => k.endsWith('features/home/HomeView.vue'));
for (const key of homeKey ? closure(homeKey) : []) initial.add(key);
console.log(`initial (entry, its imports and one language's messages): ${kB(size(initial))} gzipped`);
for (const page of ['features/round/RoundView.vue', 'features/bucket/BucketView.vue', 'features/round-records/ResultsView.vue', 'features/round-records/ReceiptView.vue']) {
  const key = Object.keys(manifest).find((k) => k.endsWith(page));
  if (!key) continue;
  const extra = [...closure(key)].filter((k) => !initial.has(k));
  console.log(`${page.padEnd(40)} initial + ${kB(size(extra)).padStart(8)} = ${kB(size(initial) + size(extra))}`);
}
