import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { noJsonSchema } from './build/no-json-schema.ts';
import { precompileMessages } from './build/precompile-messages.ts';

export default defineConfig({
  plugins: [precompileMessages(), noJsonSchema(), vue()],
  resolve: {
    // Messages arrive precompiled (build/precompile-messages.ts): the runtime build suffices.
    alias: { 'vue-i18n': 'vue-i18n/dist/vue-i18n.runtime.esm-bundler.js' },
  },
  define: {
    __INTLIFY_DROP_MESSAGE_COMPILER__: true,
    __INTLIFY_JIT_COMPILATION__: true,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_I18N_LEGACY_API__: false,
    __VUE_I18N_FULL_INSTALL__: false,
    // Every component uses the Composition API: Vue's Options API support need not ship.
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  // bench/client-size.ts reads which chunks each page loads from the manifest.
  // Every browser we support preloads modules natively; the polyfill would cost the first load.
  build: { manifest: true, modulePreload: { polyfill: false } },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
});
