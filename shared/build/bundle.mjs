// Bundles the command-line entry points into dist/ so that `vatp-audit` starts fast and runs without tsx.
import { build } from 'esbuild';

const entryPoints = { cli: 'shared/cli/main.ts', bench: 'shared/bench/main.ts' };
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
