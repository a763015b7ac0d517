import { defineConfig } from 'vite';

// Built into ui/dist and served by the API process (api/ui-static.ts) under a strict CSP: no inline
// scripts or styles, so nothing may be inlined into index.html.
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
