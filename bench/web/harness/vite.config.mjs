// Builds the harness page (bench/web/harness) with the web page's packages (web/node_modules).
import { fileURLToPath } from 'node:url';

const modules = fileURLToPath(new URL('../../../web/node_modules/', import.meta.url));
export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  resolve: {
    alias: [{ find: /^(maplibre-gl|@deck\.gl\/[a-z]+)(\/.*)?$/, replacement: `${modules}$1$2` }],
  },
  build: { outDir: process.env.HARNESS_OUT ?? '/tmp/biac-web-harness', emptyOutDir: true,
           target: 'es2022', chunkSizeWarningLimit: 8192 },
};
