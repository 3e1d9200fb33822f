/**
 * `vatp-audit serve` as a user starts it (the bundled CLI in a child process, embedded stack in a temp home): it binds
 * loopback, prints a one-time sign-in URL that works once, serves its static files, stops on SIGTERM, and refuses
 * unusable options with exit 2.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, runCli } from '../e2e/cliHarness.js';

let work: string;
let cli: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-serve-'));
  cli = await bundleCli('cli-serve-test');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(cli, { force: true });
});

const env = () => ({ PATH: process.env.PATH ?? '', HOME: work, VATP_AUDIT_HOME: join(work, 'home'), NODE_OPTIONS: '' });

function firstUrl(child: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open \(works once\): (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe('vatp-audit serve', { timeout: 120_000 }, () => {
  it('prints a loopback sign-in URL that works once, serves the static files, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--user', 'J. Chan'], {
      cwd: work,
      env: env(),
    });
    const url = new URL(await firstUrl(child));
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/auth/token');
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const runs = await fetch(new URL('/runs', url), { headers: { cookie } });
    expect(runs.status).toBe(200);
    expect(await runs.text()).toContain('J. Chan');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(403);
    const css = await fetch(new URL('/static/workbench.css', url));
    expect(css.headers.get('content-type')).toContain('text/css');
    const exited = new Promise<number | null>((ok) => child.once('exit', ok));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits 2 with one line for an unusable port', async () => {
    const r = await runCli(cli, ['serve', '--port', 'eighty'], { cwd: work, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'vatp-audit serve: --port eighty is not a port number (0 to 65535; 0 picks a free one)',
    ]);
  });
});
