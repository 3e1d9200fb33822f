/**
 * `npx cdk synth` works offline (no credentials, no network, no Docker): the app synthesizes with the cdk-nag checks,
 * every Lambda is bundled by the local esbuild with the report fonts and pdfkit's standard fonts beside it, and every
 * bundle loads as an ES module exporting `handler` (the handlers read their configuration on the first call only).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../cdk/auditFunction.js';

const run = promisify(execFile);
let out: string | undefined;

afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

describe('npx cdk synth', () => {
  it('synthesizes offline, bundles every step with its fonts, and each bundle loads', {
    timeout: 300_000,
  }, async () => {
    out = await mkdtemp(join(tmpdir(), 'cdk.out-synth-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CDK_DISABLE_VERSION_CHECK: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const { stderr } = await run('npx', ['cdk', 'synth', '--no-notices', '--quiet', '--output', out], {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 64 << 20,
    });
    expect(stderr).not.toMatch(/AwsSolutions-[A-Z]+\d+.*ERROR/);
    const template = JSON.parse(await readFile(join(out, 'VatpAudit.template.json'), 'utf8'));
    const functions = Object.values(
      template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>,
    )
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Metadata?.['aws:asset:path'])
      .filter((p): p is string => p !== undefined);
    expect(functions.length).toBeGreaterThanOrEqual(8);
    for (const asset of functions) {
      const dir = join(out, asset);
      if (!existsSync(join(dir, 'index.mjs'))) continue; // CDK's own custom-resource handlers
      const files = await readdir(dir);
      expect(files).toEqual(expect.arrayContaining(['index.mjs', 'fonts', 'standard-fonts', 'package.json']));
      expect(existsSync(join(dir, 'fonts', 'DejaVuSans.ttf'))).toBe(true);
      // pdfkit loads its standard fonts with require('#standard-fonts/…') relative to the bundle.
      const helvetica = createRequire(join(dir, 'index.mjs'))('#standard-fonts/Helvetica') as { name?: string };
      expect(helvetica.name ?? (helvetica as { default?: { name: string } }).default?.name).toBe('Helvetica');
      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
      expect(typeof mod.handler).toBe('function');
    }
  });
});
