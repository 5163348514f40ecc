import { defineConfig } from 'tsup'

export default defineConfig([
  {
    // related-articles/postgres is a second entry of the same build, so both share one copy of
    // the core (one RelatedIndex class) in a common chunk.
    entry: { index: 'src/index.ts', postgres: 'src/postgres/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    // natural's stemmer modules are bundled, so installs do not pull natural's database drivers.
    noExternal: [/^natural\//],
  },
  {
    entry: { index: 'src/index.ts', postgres: 'src/postgres/index.ts' },
    format: ['cjs'],
    // CommonJS output does not split by default: without it each entry would carry its own core.
    splitting: true,
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    // ml-distance is ESM-only, and Node before 20.19 cannot require() an ES module: the CommonJS
    // build carries its own copy (a few kilobytes of similarity functions).
    noExternal: ['ml-distance', /^natural\//],
    // `import.meta` is a syntax error in a CommonJS file: tsup's shim turns import.meta.url into
    // the bundle's own file URL (src/workers/pool.ts reads it), so require() can load the build.
    shims: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    noExternal: [/^natural\//],
  },
  {
    // The worker thread of RelatedPool (src/workers/pool.ts), loaded by both builds as
    // dist/related-worker.js: a CommonJS main thread can start an ES module worker.
    entry: { 'related-worker': 'src/workers/worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    noExternal: [/^natural\//],
  },
])
