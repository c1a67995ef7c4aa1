#!/usr/bin/env node
// Production bundle: packages/cli/src/main.ts and every @docket/* workspace source it reaches,
// bundled by esbuild into dist/docket.mjs. Real npm dependencies stay external and resolve at run
// time from node_modules, so native modules (better-sqlite3) and packages that read their own files
// keep working. The launcher (packages/cli/bin/docket.js) picks the bundle up when it is newer than
// every source, and falls back to tsx otherwise. Prints nothing on success (`npm start` runs it).
import { readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bare imports are npm packages (external) unless they name a workspace package. */
const externalDeps = {
  name: 'external-deps',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@docket/')) return undefined;
      return { path: args.path, external: true };
    });
    // Sources that locate files next to themselves (`new URL('../x', import.meta.url)`) must keep
    // their own URL, not the bundle's: rebuild it from the bundle's URL, so a moved checkout works.
    b.onLoad({ filter: /\/packages\/[^/]+\/src\/.*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromBundle = relative(join(root, 'dist'), args.path).split(sep).join('/');
      const own = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
    });
  },
};

// Chunk names carry content hashes: start from an empty dist/ so old chunks do not pile up.
await rm(join(root, 'dist'), { recursive: true, force: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: { docket: 'packages/cli/src/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    // Code behind dynamic imports (the server, the stores) goes to chunks loaded on demand, so
    // client commands such as `docket import` do not load fastify and the database drivers.
    splitting: true,
    // Chunks sit beside docket.mjs: the import.meta.url rewrite below assumes every output is in dist/.
    chunkNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    plugins: [externalDeps],
    logLevel: 'error',
  });
} catch {
  // esbuild has already printed the errors (logLevel 'error').
  process.exit(1);
}
