/**
 * The `vatp-audit` command as a user runs it (a child process of the bundled CLI on the embedded local stack):
 * OUTPUT.md's exit codes, --fail-on, the evidence pack, verify, and findings list equal to findings.jsonl.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, EXAMPLE, runCli } from './cliHarness.js';

let work: string;
let cli: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-cli-'));
  cli = await bundleCli('cli-test');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(cli, { force: true });
});

async function vatp(args: string[]) {
  // A clean environment: no AWS settings, so the embedded stack is used, with its data under `work`.
  const env = { PATH: process.env.PATH ?? '', HOME: work, VATP_AUDIT_HOME: join(work, 'home'), NODE_OPTIONS: '' };
  return runCli(cli, args, { cwd: work, env });
}

describe('vatp-audit run', { timeout: 180_000 }, () => {
  it('exits 0 on a completed run, writes the pack, and verify accepts it', async () => {
    const out = join(work, 'pack');
    const r = await vatp(['run', '--input', EXAMPLE, '--out', out]);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    const findings = await readFile(join(out, 'findings.jsonl'), 'utf8');
    expect(findings.trim().split('\n')).toHaveLength(2);
    const v = await vatp(['verify', out]);
    expect(v.code).toBe(0);

    const runId = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')).run_id;
    const listed = await vatp(['findings', 'list', '--run', runId, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(findings);
  });

  it('builds a signed period report from the store across the accepted runs of a date range', async () => {
    const out = join(work, 'period');
    const args = ['report', '--venue', 'HKVX', '--from', '2026-02-01', '--to', '2026-02-28', '--out', out];
    const draft = await vatp(args);
    expect(draft.code).toBe(2);
    expect(draft.stderr).toMatch(/no accepted run of venue HKVX .*: 1 completed draft run\(s\)/);
    const listed = await vatp(['runs', 'list', '--venue', 'HKVX', '--json']);
    expect(listed.code).toBe(0);
    const [run] = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(run).toMatchObject({ venue: 'HKVX', status: 'completed', acceptance: null });
    const accepted = await vatp(['runs', 'accept', run.run_id, '--by', 'J. Chan', '--note', 'worked example']);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(new RegExp(`^accepted run ${run.run_id} \\(HKVX, `));
    const again = await vatp(['runs', 'accept', run.run_id, '--by', 'M. Wong']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/was already accepted by J\. Chan/);
    expect((await vatp(['runs', 'accept', 'r-nope', '--by', 'M. Wong'])).code).toBe(2);

    const r = await vatp(args);
    expect(r.stderr).not.toMatch(/report:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 1 accepted run, 2 findings, 27 days without an accepted run\n/);
    const findings = (await readFile(join(out, 'findings.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(findings.map((f) => [f.check_id, f.status])).toEqual([
      ['CP-1', 'open'],
      ['NRH-1', 'open'],
    ]);
    expect((await vatp(['verify', out])).code).toBe(0);
    const none = await vatp([
      'report',
      '--venue',
      'HKVX',
      '--from',
      '2027-01-01',
      '--to',
      '2027-01-31',
      '--out',
      join(work, 'p0'),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no accepted run of venue HKVX .*: 0 completed draft run\(s\)/);
    const reversed = await vatp([
      'report',
      '--venue',
      'HKVX',
      '--from',
      '2026-02-28',
      '--to',
      '2026-02-01',
      '--out',
      out,
    ]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/the range is reversed/);
  });

  it('report --run: the run report after a response, signed and verified; --run with --venue/--from/--to exits 2', async () => {
    const out = join(work, 'reviewed-run');
    await vatp(['run', '--input', EXAMPLE, '--out', join(work, 'pack-for-review')]);
    const runId = JSON.parse(await readFile(join(work, 'pack-for-review', 'summary.json'), 'utf8')).run_id;
    const [first] = (await readFile(join(work, 'pack-for-review', 'findings.jsonl'), 'utf8')).trim().split('\n');
    const findingId = JSON.parse(first as string).finding_id as string;
    const note = 'Reviewed with the venue; ticket OPS-1 opened.';
    expect(
      (await vatp(['findings', 'respond', findingId, '--status', 'acknowledged', '--by', 'J. Chan', '--note', note]))
        .code,
    ).toBe(0);
    const r = await vatp(['report', '--run', runId, '--out', out]);
    expect(r.stderr).not.toMatch(/report:/);
    expect(r.code).toBe(0);
    // Other tests of this file share the store and may have answered or accepted this run too.
    expect(r.stdout).toMatch(/[1-9]\d* findings? with a response, (DRAFT \(not accepted\)|accepted by )/);
    const line = (await readFile(join(out, 'findings.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((f) => f.finding_id === findingId);
    expect(line).toMatchObject({ status: 'acknowledged', history: [{ by: 'J. Chan', note }] });
    expect((await vatp(['verify', out])).code).toBe(0);
    for (const mixed of [
      ['--venue', 'HKVX'],
      ['--from', '2026-02-01'],
      ['--to', '2026-02-28'],
    ]) {
      const bad = await vatp(['report', '--run', runId, ...mixed, '--out', join(work, 'mixed')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--run cannot be combined/);
    }
    const neither = await vatp(['report', '--out', join(work, 'neither')]);
    expect(neither.code).toBe(2);
    expect((await vatp(['report', '--run', 'r-unknown', '--out', join(work, 'unknown')])).code).toBe(2);
  });

  it('exits 3 with --fail-on at or below the worst severity found, 0 above it', async () => {
    expect((await vatp(['run', '--input', EXAMPLE, '--out', join(work, 'p3'), '--fail-on', 'critical'])).code).toBe(3);
    expect((await vatp(['run', '--input', EXAMPLE, '--out', join(work, 'p4'), '--fail-on', 'low'])).code).toBe(3);
  });

  it('exits 2 naming the problem for a missing or invalid manifest.json and for unusable arguments', async () => {
    const noManifest = join(work, 'no-manifest');
    await cp(EXAMPLE, noManifest, { recursive: true });
    await rm(join(noManifest, 'manifest.json'));
    const a = await vatp(['run', '--input', noManifest, '--out', join(work, 'p5')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/manifest\.json/);

    const badManifest = join(work, 'bad-manifest');
    await cp(EXAMPLE, badManifest, { recursive: true });
    await writeFile(join(badManifest, 'manifest.json'), '{"contract": 3, "venue": "HKVX"}');
    const b = await vatp(['run', '--input', badManifest, '--out', join(work, 'p6')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/contract/);

    // A valid contract-2 manifest is audited (this build audits contracts 1 and 2).
    const example = JSON.parse(await readFile(join(EXAMPLE, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(badManifest, 'manifest.json'), JSON.stringify({ ...example, contract: 2 }));
    const v2 = await vatp(['run', '--input', badManifest, '--out', join(work, 'p6b')]);
    expect(v2.stderr).not.toMatch(/not audited|failed/);
    expect(v2.code).toBe(0);
    const v2Summary = JSON.parse(await readFile(join(work, 'p6b', 'summary.json'), 'utf8')) as {
      data_contract: number;
      checks: { check_id: string; not_tested_reasons: Record<string, number> }[];
    };
    expect(v2Summary.data_contract).toBe(2);
    expect(v2Summary.checks.find((c) => c.check_id === 'PERP-3')?.not_tested_reasons).toEqual({
      'the dataset has no margin ledger (margin/ folder absent)': 0,
    });

    expect((await vatp(['run', '--input', EXAMPLE])).code).toBe(2);
    expect((await vatp(['run', '--input', EXAMPLE, '--out', join(work, 'p7'), '--fail-on', 'severe'])).code).toBe(2);
    const badConfig = join(work, 'config.json');
    await writeFile(badConfig, '{"haircut_floor": 0.6}');
    const c = await vatp(['run', '--input', EXAMPLE, '--out', join(work, 'p8'), '--config', badConfig]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/haircut_floor/);
  });

  it('exits 2 when the input location does not exist', async () => {
    const r = await vatp(['run', '--input', join(work, 'does-not-exist'), '--out', join(work, 'p9')]);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
  });
});
