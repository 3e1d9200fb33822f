// Bundles the command-line entry points into dist/ so that `vatp-audit` starts fast and runs without tsx.
import { build } from 'esbuild';

// orderedStreamWorker: the worker thread that reads, parses and orders a stream beside the replay (loaded by URL from
// the bundles next to it: see ordering/readOrderedStream.ts); embeddedServersWorker: the thread that runs the embedded
// dynalite and s3rver (local/embeddedStack.ts).
const entryPoints = {
  cli: 'shared/cli/main.ts',
  bench: 'shared/bench/main.ts',
  orderedStreamWorker: 'shared/ordering/orderedStreamWorker.ts',
  embeddedServersWorker: 'shared/local/embeddedServersWorker.ts',
};
await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
