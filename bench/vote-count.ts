/**
 * Counting a city's vote: a seeded random city of `--voters` voters and `--projects` projects
 * is written as a Pabulib .pb text, then timed: parsing it (parsePb + pbElection), greedy, and
 * Equal Shares with Add1 (and its greedy completion). Pure computation, no database.
 *
 *   npm run bench -- vote-count [--voters 90000] [--projects 160] [--seed 14] [--kind approval|points]
 *
 * The city: 8 districts of 20 projects; project costs log-uniform from 20,000 to 2,000,000
 * currency units, the budget a quarter of their total; each project has a popularity drawn
 * from a log-normal law. A voter lives in a district and picks projects by popularity, 70 %
 * from their own district; ballot lengths follow Warsaw's (1 to 15 approvals, one voter in
 * eight approves only one, mean about 6). Points ballots (`--kind points`) spread up to 7
 * points, at most 3 a project, over the same picks, as in Toulouse.
 *
 * Beside the figures it prints a same-run baseline (sorting 2,000,000 floats) and the load
 * average, since the machine is shared. Target (issue 14): parse, greedy and MES/Add1 of the
 * default city in under 10 s.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parsePb, pbElection, writePb, type PbInstance } from '../server/src/features/pabulib/index.ts';
import { countVotes } from '../server/src/features/vote-count/index.ts';
import type { Figure } from './support.ts';

const TARGET_S = 10;

/** mulberry32: a small seeded generator, so every run counts the same city. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function city(voters: number, projects: number, seed: number, kind: 'approval' | 'points'): PbInstance {
  const random = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const DISTRICTS = 8;
  const ps = Array.from({ length: projects }, (_, i) => ({
    id: String(i + 1),
    district: i % DISTRICTS,
    units: Math.round(Math.exp(Math.log(20_000) + random() * Math.log(100))),
    popularity: Math.exp(gauss()),
  }));
  const total = ps.reduce((s, p) => s + p.units, 0);
  const byDistrict = Array.from({ length: DISTRICTS }, (_, d) => ps.filter((p) => p.district === d));
  const pick = (pool: typeof ps, taken: Set<string>) => {
    const free = pool.filter((p) => !taken.has(p.id));
    let r = random() * free.reduce((s, p) => s + p.popularity, 0);
    for (const p of free) if ((r -= p.popularity) <= 0) return p;
    return free.at(-1);
  };
  const votes: PbInstance['votes'] = [];
  for (let v = 0; v < voters; v++) {
    const home = Math.floor(random() * DISTRICTS);
    const u = random();
    const length = u < 0.125 ? 1 : Math.min(15, 2 + Math.floor(-Math.log(1 - random()) * 4.5));
    const taken = new Set<string>();
    while (taken.size < length) {
      const p = pick(random() < 0.7 ? (byDistrict[home] ?? ps) : ps, taken);
      if (!p) break;
      taken.add(p.id);
    }
    const vote = [...taken];
    if (kind === 'approval') votes.push({ voter: String(v + 1), vote, fields: { district: String(home + 1) } });
    else {
      let left = 7;
      const points = vote.map(() => {
        const x = Math.min(left, 1 + Math.floor(random() * 3));
        left -= x;
        return x;
      });
      const kept = vote.filter((_, i) => (points[i] ?? 0) > 0);
      votes.push({ voter: String(v + 1), vote: kept, points: points.filter((x) => x > 0), fields: { district: String(home + 1) } });
    }
  }
  return {
    meta: {
      description: `Bench city (seed ${seed})`,
      country: 'Nowhere',
      unit: 'Bench',
      instance: String(seed),
      rule: 'greedy',
      ...(kind === 'points' ? { max_points: '3', max_sum_points: '7' } : { min_length: '1', max_length: '15' }),
    },
    voteType: kind === 'approval' ? 'approval' : 'cumulative',
    budget: BigInt(Math.round(total / 4)) * 100n,
    projects: ps.map((p) => ({ id: p.id, cost: BigInt(p.units) * 100n, fields: { district: String(p.district + 1) } })),
    votes,
  };
}

export async function run(argv: string[]): Promise<Figure[]> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      voters: { type: 'string', default: '90000' },
      projects: { type: 'string', default: '160' },
      seed: { type: 'string', default: '14' },
      kind: { type: 'string', default: 'approval' },
    },
  });
  const VOTERS = Number(args.voters);
  const PROJECTS = Number(args.projects);
  const SEED = Number(args.seed);
  const KIND = args.kind === 'points' ? 'points' : 'approval';
  if (!Number.isInteger(VOTERS) || VOTERS < 10 || VOTERS > 1_000_000) throw new Error('--voters: an integer from 10 to 1,000,000');
  if (!Number.isInteger(PROJECTS) || PROJECTS < 8 || PROJECTS > 2_000) throw new Error('--projects: an integer from 8 to 2,000');

  const cpu = { ms: 0 };
  /** Wall time; `cpu.ms` accumulates this process's CPU time too (the machine is shared). */
  function time<T>(f: () => T): [T, number] {
    const c = process.cpuUsage();
    const t = performance.now();
    const r = f();
    const used = process.cpuUsage(c);
    cpu.ms += (used.user + used.system) / 1000;
    return [r, performance.now() - t];
  }

  const text = writePb(city(VOTERS, PROJECTS, SEED, KIND));
  const [, baseline] = time(() => Float64Array.from({ length: 2_000_000 }, rng(1)).sort());
  cpu.ms = 0; // from here: parse, greedy and MES only
  const [election, parseMs] = time(() => pbElection(parsePb(text)));
  const [greedy, greedyMs] = time(() => countVotes(election, { kind: 'greedy' }));
  const [mes, mesMs] = time(() => countVotes(election, { kind: 'mes', completion: 'add1', compareWithGreedy: false }));
  const total = parseMs + greedyMs + mesMs;
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    JSON.stringify(
      {
        voters: VOTERS,
        projects: PROJECTS,
        kind: KIND,
        seed: SEED,
        pbMegabytes: +(text.length / 1e6).toFixed(1),
        parse: fmt(parseMs),
        greedy: fmt(greedyMs),
        mesAdd1: fmt(mesMs),
        total: fmt(total),
        totalCpu: fmt(cpu.ms),
        mesRuns: mes.mes?.runs,
        increments: mes.mes?.increments,
        stop: mes.mes?.stop,
        greedySelected: greedy.selected.length,
        mesBought: mes.mes?.bought.length,
        mesSelected: mes.selected.length,
        budgetUsedPercent: { greedy: +((Number(greedy.used) / Number(greedy.budget)) * 100).toFixed(1), mes: +((Number(mes.used) / Number(mes.budget)) * 100).toFixed(1) },
        baselineSort2MFloats: fmt(baseline),
        loadAverage: loadavg().map((x) => +x.toFixed(2)),
      },
      null,
      2,
    ),
  );
  return [
    {
      what: `parse + greedy + MES/Add1, ${VOTERS.toLocaleString('en')} ${KIND} voters, ${PROJECTS} projects`,
      value: `${fmt(total)} (CPU ${fmt(cpu.ms)}; MES ${fmt(mesMs)}, ${mes.mes?.runs ?? 0} runs)`,
      baseline: `sorting 2M floats ${fmt(baseline)}`,
      target: `< ${TARGET_S} s`,
      met: total < TARGET_S * 1000,
    },
  ];
}
