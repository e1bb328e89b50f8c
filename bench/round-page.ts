/**
 * The member's round page under live load: long tasks and frame times in the browser.
 *
 *   npm run bench -- round-page --projects 1000 --members 40 --rate 20 --seconds 20
 *
 * Boots the real app (buildApp on a throwaway embedded PostgreSQL, live frames every 100 ms,
 * serving the built client; built with vite first if client/dist is missing) on loopback, seeds a
 * round in funding with N open projects (bulk insert) and M members, opens `/rounds/:roundId` in
 * Debian's Chromium signed in as one member (session cookie), and sends allocations through the
 * real `PUT /api/buckets/:id/allocation` over random projects at a fixed rate, so that the live
 * hub sends about one frame per 100 ms. In the page, a `PerformanceObserver` records long tasks
 * (> 50 ms) and a requestAnimationFrame loop the frame times. Bounded; stops by itself.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { buildApp } from '../server/src/app.ts';
import { baseConfig } from '../server/src/config.ts';
import { freePort } from '../server/src/db/embedded.ts';
import { bucketProposers, buckets, type BudgetLine } from '../server/src/db/schema.ts';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { memoryTransport } from '../server/src/mail/transport.ts';
import { makeGiven, type Member } from '../server/test/given.ts';
import { launchChromium } from '../e2e/support/chromium.ts';
import { benchDatabase, percentile, repoRoot } from './support.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    projects: { type: 'string', default: '1000' },
    members: { type: 'string', default: '40' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    /** Also take a CPU profile of the page under load and print where its time went. */
    profile: { type: 'boolean', default: false },
  },
});
function bounded(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}
const PROJECTS = bounded('projects', args.projects, 1, 5000);
const MEMBERS = bounded('members', args.members, 1, 500);
const RATE = bounded('rate', args.rate, 1, 100);
const SECONDS = bounded('seconds', args.seconds, 1, 120);
const FRAME_MS = 100;

const log = (line: string) => process.stderr.write(`${line}\n`);
const clientDir = path.join(repoRoot, 'client');
const clientDist = path.join(clientDir, 'dist');

type Sampled = { longTasks: number[]; frames: number[] };
declare global {
  interface Window {
    __bench: { longTasks: number[]; frames: number[]; reset: () => void };
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(clientDist, 'index.html'))) {
    log('building the client (client/dist is missing)…');
    await build({ root: clientDir, logLevel: 'warn' });
  }
  const database = await benchDatabase();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = baseConfig({
    publicUrl: origin,
    allowedOrigins: [origin],
    sessionSecret: new TextEncoder().encode('bench-secret-bench-secret-bench-secret-!'),
    sessionDays: 1,
    logLevel: 'warn',
    liveFrameMs: FRAME_MS,
    schedulerIntervalMs: 0,
    rateLimit: { signInPerMinute: 1000 },
    clientDir: clientDist,
  });
  const now = () => new Date();
  const app = await buildApp({ config, db: database.db, pool: database.pool, mail: memoryTransport(), now, databaseUrl: database.url });
  const browser = await launchChromium();
  try {
    await app.listen({ port, host: '127.0.0.1' });
    const given = makeGiven({ db: database.db, config, now });

    log(`seeding ${PROJECTS} projects and ${MEMBERS} members…`);
    const admin = await given.admin();
    const round = await given.round(admin.organisationId, { phase: 'funding', defaultAllowanceCents: 1_000_000 });
    const members: Member[] = [];
    for (let i = 0; i < MEMBERS; i++) members.push(await given.member({ organisationId: admin.organisationId }));
    const viewer = members[0]!;
    const lines: BudgetLine[] = [
      { label: 'Materials', amountCents: 100_000, essential: true },
      { label: 'Nice to have', amountCents: 50_000, essential: false },
    ];
    const bucketIds: string[] = [];
    for (let start = 0; start < PROJECTS; start += 500) {
      const rows = Array.from({ length: Math.min(500, PROJECTS - start) }, (_, k) => ({
        roundId: round.id,
        title: `Projet ${String(start + k + 1).padStart(4, '0')}`,
        summary: 'Un projet du banc d’essai.',
        status: 'open' as const,
        budgetLines: lines,
        minCents: 100_000,
        maxCents: 150_000,
        createdBy: admin.membershipId,
      }));
      const inserted = await database.db.insert(buckets).values(rows).returning({ id: buckets.id });
      await database.db.insert(bucketProposers).values(inserted.map((b) => ({ bucketId: b.id, membershipId: admin.membershipId, status: 'accepted' as const })));
      bucketIds.push(...inserted.map((b) => b.id));
    }
    await database.db.transaction((tx) => openFunding(tx, round, admin.membershipId));

    // Some funding already there, through the real API, so the cards are not all alike.
    const amounts = new Map<string, number>();
    let seq = 0;
    const allocate = async (): Promise<boolean> => {
      const member = members[1 + (seq % (members.length - 1 || 1))] ?? viewer;
      seq++;
      const bucketId = bucketIds[Math.floor(Math.random() * bucketIds.length)]!;
      const key = `${member.membershipId}:${bucketId}`;
      const next = (amounts.get(key) ?? 0) + 100 * (1 + Math.floor(Math.random() * 20));
      const res = await fetch(`${origin}/api/buckets/${bucketId}/allocation`, {
        method: 'PUT',
        headers: { ...given.authFor(member), 'content-type': 'application/json' },
        body: JSON.stringify({ amountCents: next }),
      });
      await res.arrayBuffer();
      if (res.ok) amounts.set(key, next);
      return res.ok;
    };
    for (let i = 0; i < 200; i++) await allocate();

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    await context.addCookies([{ name: 'cagnotte_session', value: viewer.token, url: origin, httpOnly: true, sameSite: 'Lax' }]);
    // A string, not a function: tsx would wrap named functions in a helper the page lacks.
    await context.addInitScript(`
      const longTasks = [];
      const frames = [];
      new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry.duration); })
        .observe({ type: 'longtask', buffered: true });
      let last = 0;
      const tick = (t) => { if (last) frames.push(t - last); last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      window.__bench = { longTasks, frames, reset: () => { longTasks.length = 0; frames.length = 0; } };
    `);
    const page = await context.newPage();
    let framesReceived = 0;
    let counting = false;
    page.on('websocket', (ws) => ws.on('framereceived', () => void (counting && framesReceived++)));
    const loadStart = performance.now();
    await page.goto(`${origin}/rounds/${round.id}`);
    await page.locator('ul.cards > li').nth(PROJECTS - 1).waitFor({ state: 'attached', timeout: 60_000 });
    const loadMs = performance.now() - loadStart;
    const atLoad = await page.evaluate(() => ({ longTasks: [...window.__bench.longTasks] }));
    await page.evaluate(() => window.__bench.reset());

    const cdp = args.profile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    log(`driving ${RATE} allocations/s for ${SECONDS} s…`);
    counting = true;
    const interval = 1000 / RATE;
    const start = performance.now();
    let sent = 0;
    let refused = 0;
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(allocate().then((ok) => void (ok ? sent++ : refused++)));
      if (inFlight.length > 8) await inFlight.shift();
      if (i % (RATE * 5) === RATE * 5 - 1) log(`  ${i + 1} sent, ${((performance.now() - start) / 1000).toFixed(1)} s`);
    }
    await Promise.all(inFlight);
    log('collecting…');
    await new Promise((r) => setTimeout(r, 2 * FRAME_MS));
    counting = false;
    const elapsed = (performance.now() - start) / 1000;
    const sampled: Sampled = await page.evaluate(() => ({ longTasks: [...window.__bench.longTasks], frames: [...window.__bench.frames] }));

    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const deltas = profile.timeDeltas ?? [];
      (profile.samples ?? []).forEach((id, i) => {
        const f = byId.get(id)?.callFrame;
        const where = f ? `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}:${f.columnNumber + 1}` : '?';
        self.set(where, (self.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
      });
      console.log('  CPU profile, self time:');
      for (const [where, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${t.toFixed(0).padStart(6)} ms  ${where}`);
    }
    const frames = [...sampled.frames].sort((a, b) => a - b);
    const longest = Math.max(0, ...sampled.longTasks);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(`round page, ${PROJECTS} projects, ${MEMBERS} members, ${RATE} allocations/s for ${SECONDS} s (${elapsed.toFixed(1)} s)`);
    console.log(`  page load to ${PROJECTS} cards: ${ms(loadMs)}; long tasks during load: ${atLoad.longTasks.length}, longest ${ms(Math.max(0, ...atLoad.longTasks))}`);
    console.log(`  allocations accepted: ${sent}, refused: ${refused}; live frames received: ${framesReceived} (${(framesReceived / elapsed).toFixed(1)}/s)`);
    console.log(`  long tasks (> 50 ms) under load: ${sampled.longTasks.length}, longest ${ms(longest)}, total ${ms(sampled.longTasks.reduce((s, d) => s + d, 0))}`);
    console.log(`  animation frames: ${frames.length}; frame time p50 ${ms(percentile(frames, 50))}, p95 ${ms(percentile(frames, 95))}, p99 ${ms(percentile(frames, 99))}, max ${ms(frames.at(-1) ?? NaN)}`);
    await context.close();
  } finally {
    await browser.close();
    await app.close();
    await database.stop();
  }
}

await main();
