import { defineConfig } from 'vitest/config';

// The consoles are static files served by `siaga serve --web-root web/dist`. During `npm run dev`
// the API (and its WebSocket) is proxied to a local siaga on port 8112.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 400,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        // Vendors apart, so that a console update does not re-download them.
        manualChunks: { leaflet: ['leaflet'], chart: ['chart.js'], preact: ['preact', 'preact/hooks'] },
      },
    },
  },
  server: {
    // The type check of src/api/types.test.ts reads the OpenAPI document in ../docs.
    fs: { allow: ['.', '../docs'] },
    proxy: { '/api': { target: 'http://127.0.0.1:8112', ws: true } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
  },
});
