#!/usr/bin/env node
// Launcher for the `docket` command. The sources are TypeScript: a production bundle built by
// `npm run build` (dist/docket.mjs) is used when it is newer than every source file, because it
// starts faster and saves the ~35 MB that tsx's loader costs for the life of the process.
// Otherwise (no build, or a source edited since) register tsx and run the sources, so tests and
// development never need a build step. DOCKET_NO_BUNDLE=1 forces the sources (debugging, A/B measurements).
import { readdirSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bundle = join(root, 'dist', 'docket.mjs');

/** Newest mtime (ms) of the files under `dir`, or 0; stops early once one beats `limit`. */
function newestUnder(dir, limit) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    const t = entry.isDirectory() ? newestUnder(p, limit) : statSync(p).mtimeMs;
    if (t > newest) newest = t;
    if (newest > limit) break;
  }
  return newest;
}

/** True when dist/docket.mjs exists and no file under packages/<pkg>/src is newer. */
function bundleIsFresh() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  const packages = join(root, 'packages');
  for (const pkg of readdirSync(packages)) {
    let src;
    try {
      src = newestUnder(join(packages, pkg, 'src'), built);
    } catch {
      continue; // a package without src/
    }
    if (src > built) return false;
  }
  return true;
}

// Grow the old generation by at most 50% of the live heap between full GCs (V8 picks up to 4x on a
// quiet heap). Docket's live heap is small (~20 MB) while list and write requests churn through
// tens of MB of short-lived documents; without this the heap held ~70 MB of garbage before
// collecting it. Measured on a 30k-report server paging through everything: peak RSS 195 -> 158 MB
// for ~10% more server CPU per list page. It only makes full GCs come earlier, so it cannot cause
// an out-of-memory. Set here because `node <flags> docket.js` is not how users start us; only
// growth flags take effect this late (semi-space sizes are fixed at start-up).
setFlagsFromString('--heap-growing-percent=50');

if (process.env.DOCKET_NO_BUNDLE !== '1' && bundleIsFresh()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
