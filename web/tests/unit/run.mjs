// The web page's unit tests (node:test, no browser): ctest `web_unit` runs
//   node web/tests/unit/run.mjs
// which builds the modules under test once (build.mjs) and runs every *.test.mjs here.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
await import('./build.mjs');
for (const f of readdirSync(here).filter((n) => n.endsWith('.test.mjs')).sort()) {
  await import(pathToFileURL(`${here}/${f}`).href);
}
