/** The bundled `vatp-audit` command for end-to-end tests: built once per test file, run as a child process. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { WORKED_EXAMPLE } from '../fixtures/workedExample.js';

const execFileAsync = promisify(execFile);
export const ROOT = resolve(__dirname, '../..');
export const EXAMPLE = WORKED_EXAMPLE;

/**
 * Bundles shared/cli/main.ts into dist/<name>/cli.js with the worker threads it loads beside it (the embedded stack's
 * and the ordered stream's), as `npm run build` lays out dist/; a folder per test file, so no two files write one.
 */
export async function bundleCli(name: string): Promise<string> {
  const outdir = join(ROOT, 'dist', name);
  await build({
    entryPoints: {
      cli: join(ROOT, 'shared/cli/main.ts'),
      embeddedServersWorker: join(ROOT, 'shared/local/embeddedServersWorker.ts'),
      orderedStreamWorker: join(ROOT, 'shared/ordering/orderedStreamWorker.ts'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return join(outdir, 'cli.js');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end; a non-zero exit is a result, not an error. */
export async function runCli(
  cli: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string> },
): Promise<CliResult> {
  try {
    const r = await execFileAsync(process.execPath, [cli, ...args], { ...opts, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
