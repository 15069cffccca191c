// The web UI bundle: built by `node scripts/build.mjs` into dist/web, which `drover master` serves at `/`.
// `npx vite` in this folder starts a dev server that forwards the API to a master on DROVER_MASTER
// (default http://127.0.0.1:5000).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const master = process.env.DROVER_MASTER ?? 'http://127.0.0.1:5000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': { target: master, changeOrigin: false } } },
});
