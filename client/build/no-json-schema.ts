import type { Plugin } from 'vite';

/**
 * zod's classic API attaches `.toJSONSchema()` to every schema, so its JSON Schema generator
 * (about 5 kB gzipped) cannot be tree-shaken and would ship in the member pages' first load.
 * The server generates the OpenAPI document; the browser only parses replies. This plugin
 * replaces the generator's two modules, in the client build only, by functions that throw if
 * ever called. The names are read from zod itself, so an upgrade that adds one still builds.
 */
const REPLACED = ['zod/v4/core/json-schema-processors.js', 'zod/v4/core/to-json-schema.js'];

export function noJsonSchema(): Plugin {
  return {
    name: 'cagnotte:no-json-schema',
    enforce: 'pre',
    apply: 'build',
    async load(id) {
      const file = id.split('?')[0] ?? id;
      if (!REPLACED.some((end) => file.endsWith(end))) return null;
      const names = Object.keys((await import(file)) as Record<string, unknown>);
      const refuse = `() => { throw new Error('JSON Schema generation is not built into the client (client/build/no-json-schema.ts)'); }`;
      return [`const refuse = ${refuse};`, ...names.map((name) => `export const ${name} = refuse;`)].join('\n');
    },
  };
}
