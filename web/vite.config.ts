import { defineConfig } from 'vite';

// The node serves web/dist at `/` (web_root), so every asset URL is relative to the root and
// nothing is fetched from any other origin (no CDN, no web fonts).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` against a local node: BIAC_NODE=https://127.0.0.1:8443 npm run dev
    proxy: process.env.BIAC_NODE
      ? { '/api': { target: process.env.BIAC_NODE, secure: false, ws: true } }
      : undefined,
  },
});
