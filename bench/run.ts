/**
 * `npm run bench` runs every scenario of the registry marked `all` and prints each figure
 * beside its same-run baseline and its target; `npm run bench -- <name> [options]` runs one.
 *
 * A scenario is a module exporting `run(argv): Promise<Figure[]>` (see `Scenario` in
 * support.ts); adding one is one line in `scenarios` below. A module without `run` is an older
 * script that does its work when imported (its options still come from argv) and reports no
 * figures to the summary.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { formatFigures, machineTicks, type Figure, type Scenario } from './support.ts';

type Entry = { name: string; all: boolean; load: () => Promise<Partial<Scenario>> };

const scenarios: Entry[] = [
  { name: 'allocations', all: true, load: () => import('./allocations.ts') },
  { name: 'http-reads', all: true, load: () => import('./http-reads.ts') },
  { name: 'snapshot', all: true, load: () => import('./snapshot.ts') },
  { name: 'cold-start', all: true, load: () => import('./cold-start.ts') },
  { name: 'live-latency', all: true, load: () => import('./live-latency.ts').then((m) => ({ run: m.busy })) },
  { name: 'live-two-instances', all: true, load: () => import('./live-latency.ts').then((m) => ({ run: m.twoInstances })) },
  { name: 'live-idle', all: true, load: () => import('./live-latency.ts').then((m) => ({ run: m.idle })) },
  { name: 'export-ledger', all: true, load: () => import('./export-ledger.ts') },
  { name: 'round-page', all: false, load: () => import('./round-page.ts') },
  { name: 'vote-count', all: true, load: () => import('./vote-count.ts') },
];

const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');

const QUIET_BUSY = 0.2;
const QUIET_WAIT_MS = 20_000;

/**
 * Waits (at most 20 s) for a second in which the cores are less than 20 % busy: what a scenario
 * leaves behind (a server stopping, a database being removed, autovacuum) must not land in the
 * next one's figures. Returns the busy share of the last second measured.
 */
async function quietMachine(): Promise<{ waitedMs: number; busy: number }> {
  const started = performance.now();
  for (;;) {
    const before = machineTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const after = machineTicks();
    const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    const waitedMs = performance.now() - started;
    if (busy < QUIET_BUSY || waitedMs >= QUIET_WAIT_MS) return { waitedMs, busy };
  }
}

async function runOne(entry: Entry, argv: string[]): Promise<Figure[]> {
  process.argv = [process.argv[0] ?? 'node', entry.name, ...argv];
  const quiet = await quietMachine();
  const started = performance.now();
  console.log(`\n== ${entry.name} (load average ${load()}; cores ${Math.round(100 * quiet.busy)} % busy after ${(quiet.waitedMs / 1000).toFixed(0)} s of waiting for a quiet machine)`);
  const module = await entry.load();
  const figures = module.run ? await module.run(argv) : [];
  console.log(`== ${entry.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return figures.map((f) => ({ ...f, scenario: f.scenario ?? entry.name }));
}

const [name, ...rest] = process.argv.slice(2);
const chosen = name === undefined ? scenarios.filter((s) => s.all) : scenarios.filter((s) => s.name === name);
if (chosen.length === 0) {
  console.error(`Usage: npm run bench [-- <${scenarios.map((s) => s.name).join('|')}> [options]]`);
  process.exit(2);
}

const started = performance.now();
const figures: Figure[] = [];
for (const entry of chosen) figures.push(...(await runOne(entry, name === undefined ? [] : rest)));
if (figures.length > 0) {
  console.log(`\n${formatFigures(figures)}`);
  console.log(`\n${figures.filter((f) => f.met).length} of ${figures.length} targets met; ` +
    `${((performance.now() - started) / 60_000).toFixed(1)} min; load average at the end ${load()}`);
}
// Servers and pools are closed by each scenario; nothing else should keep the process alive.
process.exit(0);
