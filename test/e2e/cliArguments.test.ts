/**
 * The command line's rough edges, as a user meets them (child processes of the bundled CLI on the embedded stack, data
 * in a temporary VATP_AUDIT_HOME): every bad argument is exit 2 with one line naming it, output piped into a reader
 * that leaves ends quietly, the store is the same from any folder, and the console says what it did not read.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, EXAMPLE, runCli } from './cliHarness.js';

let work: string;
let cli: string;
let env: Record<string, string>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-cli-args-'));
  cli = await bundleCli('cli-args-test');
  // No AWS settings (the embedded stack), its data in a home of its own, and a current folder apart from both.
  env = { PATH: process.env.PATH ?? '', HOME: work, VATP_AUDIT_HOME: join(work, 'home'), NODE_OPTIONS: '' };
  await mkdir(join(work, 'cwd'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(cli, { force: true });
});

function vatp(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  return runCli(cli, args, { cwd: opts.cwd ?? join(work, 'cwd'), env: { ...env, ...opts.env } });
}

/** Exit 2 with exactly one line on stderr, which is returned. */
async function refused(args: string[]): Promise<string> {
  const r = await vatp(args);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

describe('vatp-audit run --out', { timeout: 240_000 }, () => {
  it('refuses a non-empty folder or a file (exit 2); --force empties the folder and the pack verifies', async () => {
    const out = join(work, 'pack');
    expect((await vatp(['run', '--input', EXAMPLE, '--out', out])).code).toBe(0);
    expect(await refused(['run', '--input', EXAMPLE, '--out', out])).toBe(
      `vatp-audit run: --out ${out} is not empty (findings.jsonl, manifest.json, manifest.sig, …): give a new or empty location, or add --force to delete what is there first`,
    );
    await writeFile(join(out, 'stray.txt'), 'not part of the pack');
    const forced = await vatp(['run', '--input', EXAMPLE, '--out', out, '--force', '--fail-on', 'high']);
    expect(forced.code).toBe(3);
    expect(forced.stderr).toBe(
      'vatp-audit run: --fail-on high: 2 findings at or above high (1 critical, 1 high); exit 3\n',
    );
    expect(await readdir(out)).not.toContain('stray.txt');
    expect((await vatp(['verify', out])).code).toBe(0);

    await writeFile(join(work, 'a-file'), 'x');
    expect(await refused(['run', '--input', EXAMPLE, '--out', join(work, 'a-file')])).toBe(
      `vatp-audit run: --out ${join(work, 'a-file')} is a file, not a folder`,
    );
  });

  it('refuses a pack inside the input, and --force on a folder holding the input or the current folder', async () => {
    const input = join(work, 'input');
    await cp(EXAMPLE, input, { recursive: true });
    expect(await refused(['run', '--input', input, '--out', join(input, 'pack')])).toBe(
      `vatp-audit run: --out ${input}/pack is inside the input dataset (${input}): choose a location outside it`,
    );
    expect(await refused(['run', '--input', input, '--out', work, '--force'])).toMatch(
      /--force will not empty .*: it holds the input dataset/,
    );
    await writeFile(join(work, 'cwd', 'notes.txt'), 'mine');
    expect(await refused(['run', '--input', input, '--out', '.', '--force'])).toMatch(
      /--force will not empty .*: it is the current folder or holds it$/,
    );
    expect(await readdir(join(work, 'cwd'))).toContain('notes.txt');
  });

  it('on s3://, refuses a prefix holding objects and --force empties that prefix only', async () => {
    const a = 's3://vatp-cli-packs/runs/a';
    const ab = 's3://vatp-cli-packs/runs/ab';
    expect((await vatp(['run', '--input', EXAMPLE, '--out', a, '--no-store'])).code).toBe(0);
    expect((await vatp(['run', '--input', EXAMPLE, '--out', ab, '--no-store'])).code).toBe(0);
    expect(await refused(['run', '--input', EXAMPLE, '--out', a, '--no-store'])).toMatch(
      /^vatp-audit run: --out s3:\/\/vatp-cli-packs\/runs\/a is not empty \(findings\.jsonl, /,
    );
    expect(await refused(['run', '--input', EXAMPLE, '--out', 's3://vatp-cli-packs', '--force'])).toMatch(
      /it is a whole bucket; name a prefix in it$/,
    );
    expect((await vatp(['run', '--input', EXAMPLE, '--out', a, '--no-store', '--force'])).code).toBe(0);
    expect((await vatp(['verify', a])).code).toBe(0);
    expect((await vatp(['verify', ab])).code).toBe(0);
  });

  it('refuses config values out of range and JSON numbers, naming the field (exit 2)', async () => {
    const config = join(work, 'params.json');
    const out = join(work, 'never-written');
    await writeFile(config, '{"haircut_floor": 0.6}');
    expect(await refused(['run', '--input', EXAMPLE, '--out', out, '--config', config])).toBe(
      `vatp-audit run: config file ${config}: haircut_floor must be a decimal string, e.g. "0.6" (JSON numbers lose precision)`,
    );
    await writeFile(config, '{"haircut_floor": "1.5", "margin_call_within": "PT0S"}');
    expect(await refused(['run', '--input', EXAMPLE, '--out', out, '--config', config])).toBe(
      `vatp-audit run: config file ${config}: haircut_floor must be from 0 to 1, not 1.5; margin_call_within must be longer than zero, not PT0S`,
    );
    await writeFile(config, '{"haircut_floor": "-0.2"}');
    expect(await refused(['run', '--input', EXAMPLE, '--out', out, '--config', config])).toMatch(
      /haircut_floor must be from 0 to 1, not -0\.2$/,
    );
  });

  it('counts and names files not read to the end, and quarantines in plain words', async () => {
    const input = join(work, 'faulty');
    await cp(EXAMPLE, input, { recursive: true });
    await writeFile(join(input, 'orders', 'extra.parquet'), 'PAR1');
    const orders = join(input, 'orders', 'orders-1.jsonl');
    const lines = (await readFile(orders, 'utf8')).trimEnd().split('\n');
    lines.push(lines[0]!.replace('"seq":1,', '"seq":999,').replace('"price":"97000.1"', '"price":"1,5"'));
    await writeFile(orders, `${lines.join('\n')}\n`);
    const out = join(work, 'faulty-pack');
    const r = await vatp(['run', '--input', input, '--out', out, '--no-store']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^8 record files: 17 records read, 16 accepted, 1 quarantined$/m);
    expect(r.stdout).toMatch(
      /^1 file not read to the end \(DQ-1\): orders\/extra\.parquet \(unsupported file format \(expected .*\); the file was not read\)$/m,
    );
    expect(r.stdout).toMatch(/^2 files outside the record folders: hashed, not read$/m);
    const quarantine = (await readFile(join(out, 'quarantine.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantine.map((q) => q.reason)).toContain('price is not a decimal: 1,5');
  });
});

describe('vatp-audit report', { timeout: 120_000 }, () => {
  it('refuses reversed and empty ranges, and a non-empty --out (exit 2, one line)', async () => {
    const out = join(work, 'report');
    expect(
      await refused(['report', '--venue', 'HKVX', '--from', '2026-02-28', '--to', '2026-02-01', '--out', out]),
    ).toBe('vatp-audit report: --from 2026-02-28 is after --to 2026-02-01: the range is reversed');
    expect(
      await refused([
        'report',
        '--venue',
        'HKVX',
        '--from',
        '2026-02-12T00:00:00Z',
        '--to',
        '2026-02-12T00:00:00Z',
        '--out',
        out,
      ]),
    ).toBe('vatp-audit report: --from and --to are both 2026-02-12T00:00:00Z: the range is empty (--to is exclusive)');
    await mkdir(out);
    await writeFile(join(out, 'old.pdf'), 'x');
    expect(
      await refused(['report', '--venue', 'HKVX', '--from', '2026-02-01', '--to', '2026-02-28', '--out', out]),
    ).toMatch(/^vatp-audit report: --out .* is not empty \(old\.pdf\): /);
  });
});

describe('vatp-audit findings list', { timeout: 120_000 }, () => {
  it('reads the same store from any folder, creating nothing there', async () => {
    const here = await vatp(['findings', 'list', '--json']);
    const elsewhere = join(work, 'elsewhere');
    await mkdir(elsewhere);
    const there = await vatp(['findings', 'list', '--json'], { cwd: elsewhere });
    expect(there.code).toBe(0);
    expect(there.stdout).toBe(here.stdout);
    expect(there.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('ends quietly, with its own exit code, when the reader of its output goes away (| head)', async () => {
    const child = spawn(process.execPath, [cli, 'findings', 'list'], {
      cwd: join(work, 'cwd'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader is gone before the first line
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('errors', { timeout: 120_000 }, () => {
  it('name a --signing-key that does not exist or is no key (exit 2), with the stack only with VATP_AUDIT_DEBUG=1', async () => {
    const missing = join(work, 'no-key.pem');
    const out = join(work, 'unsigned');
    expect(await refused(['run', '--input', EXAMPLE, '--out', out, '--signing-key', missing])).toBe(
      `vatp-audit run: signing key ${missing} does not exist`,
    );
    await expect(readdir(work)).resolves.not.toContain('no-key.pem');
    const junk = join(work, 'junk.pem');
    await writeFile(junk, 'not a key');
    const args = ['run', '--input', EXAMPLE, '--out', out, '--signing-key', junk];
    expect(await refused(args)).toMatch(/^vatp-audit run: .*junk\.pem is not a PEM private key/);
    const debug = await vatp(args, { env: { VATP_AUDIT_DEBUG: '1' } });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\nSigningKeyError: .*\n\s+at /);
  });

  it('generate refuses an --out that is a file', async () => {
    await writeFile(join(work, 'g-file'), 'x');
    expect(await refused(['generate', '--out', join(work, 'g-file'), '--orders', '10'])).toBe(
      `vatp-audit generate: --out ${join(work, 'g-file')} is a file, not a folder`,
    );
  });

  it('generate --contract takes 1 or 2, nothing else; 2 writes a contract-2 dataset, --no-access-log leaves out access/', async () => {
    for (const bad of ['3', '0', 'two', '2.0'])
      expect(await refused(['generate', '--out', join(work, 'g-bad'), '--orders', '10', '--contract', bad])).toBe(
        `error: option '--contract <n>' argument '${bad}' is invalid. expected 1 or 2`,
      );
    const out = join(work, 'g-v2');
    const r = await vatp(['generate', '--out', out, '--orders', '300', '--contract', '2', '--no-access-log']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')).contract).toBe(2);
    const folders = await readdir(out);
    for (const d of ['venues', 'margin', 'settlements']) expect(folders).toContain(d);
    expect(folders).not.toContain('access');
  });

  it('demo refuses a non-empty --out before generating anything', async () => {
    const out = join(work, 'demo-out');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'x');
    expect(await refused(['demo', '--orders', '100', '--out', out])).toMatch(/^vatp-audit demo: --out .* is not empty/);
    expect(await readdir(join(work, 'home'))).not.toContain('demo');
  });
});
