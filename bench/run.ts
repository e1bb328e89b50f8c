/** `npm run bench -- <name> [options]`: runs bench/<name>.ts. */
const [name, ...rest] = process.argv.slice(2);
const known = ['allocations', 'live-latency', 'export-ledger', 'round-page', 'vote-count'];
if (!name || !known.includes(name)) {
  console.error(`Usage: npm run bench -- <${known.join('|')}> [options]`);
  process.exit(2);
}
process.argv = [process.argv[0]!, name, ...rest];
await import(`./${name}.ts`);
export {};
