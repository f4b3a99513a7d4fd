// Builds the page's modules under test (TypeScript) with the page's own Vite into a temporary
// folder, once per process, and imports them: node 20 runs no TypeScript by itself. Used by the
// unit tests beside it (node:test; `node web/tests/unit/run.mjs`, ctest `web_unit`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRIES = {
  labels: 'web/src/labels.ts',
  geo: 'web/src/geo.ts',
  symbols: 'web/src/map/symbols.ts',
  exportQuery: 'web/src/ui/export.ts',
  tableOrder: 'web/src/ui/table-order.ts',
  density: 'web/src/map/density.ts',
  store: 'web/src/live/store.ts',
  idIndex: 'web/src/live/id-index.ts',
  updatePolicy: 'web/src/map/update-policy.ts',
};

async function buildAll() {
  const out = mkdtempSync(join(tmpdir(), 'biac-web-unit-'));
  try {
    const { build } = await import(
      pathToFileURL(join(root, 'web/node_modules/vite/dist/node/index.js')).href);
    const input = Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(root, v)]));
    await build({
      root: join(root, 'web'), configFile: false, logLevel: 'error', ssr: { noExternal: true },
      build: { ssr: true, outDir: out, emptyOutDir: true, target: 'node20',
               rollupOptions: { input, output: { format: 'es', entryFileNames: '[name].mjs' } } },
    });
    const modules = {};
    for (const name of Object.keys(ENTRIES)) {
      modules[name] = await import(pathToFileURL(join(out, `${name}.mjs`)).href);
    }
    return modules;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The built modules: { labels, geo, symbols, exportQuery, tableOrder, density, store, idIndex,
 * updatePolicy }.
 */
export const modules = await buildAll();
