import { baseCompile } from '@intlify/message-compiler';
import type { Plugin } from 'vite';

type Messages = { [key: string]: string | Messages };

function compileTree(tree: Messages): unknown {
  return Object.fromEntries(
    Object.entries(tree).map(([key, value]) => [key, typeof value === 'string' ? baseCompile(value, { jit: true, location: false }).ast : compileTree(value)]),
  );
}

/**
 * Compiles the i18n messages (`src/**\/i18n/*.json`, `src/i18n/*.json`) to vue-i18n's message AST
 * at build time, so the browser loads vue-i18n's runtime without its message compiler (about
 * 10 kB gzipped of the member pages' budget). A message that does not compile fails the build.
 */
export function precompileMessages(): Plugin {
  return {
    name: 'cagnotte:precompile-messages',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/i18n\/[^/]+\.json$/.test(id)) return null;
      const ast = compileTree(JSON.parse(code) as Messages);
      // Still JSON: Vite turns it into a module as usual.
      return { code: JSON.stringify(ast), map: null };
    },
  };
}
