/**
 * The period report built from the store (the pipeline and `vatp-audit report`): it covers the accepted run of each
 * period; a draft changes none of it but a note; accepting a corrected run changes what it covers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { PDFParse } from 'pdf-parse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { reportCommandError } from '#shared/cli/exit.js';
import { registerReportCommand, reportRange } from '#shared/cli/reportCommand.js';
import type { CliServices } from '#shared/cli/services.js';
import type { Finding } from '#shared/contract/finding.js';
import { VatpAuditUsageError } from '#shared/errors.js';
import { LocalFileSigner } from '#shared/evidence/signer.js';
import { UsageError } from '#shared/pipeline/errors.js';
import { buildPeriodReport } from '#shared/pipeline/periodReport.js';
import { countsFor, DAY1, DAY2, finding, type Harness, openHarness, runStart } from './harness.js';

let h: Harness;
let dir: string;
beforeEach(async () => {
  h = await openHarness();
  dir = await mkdtemp(join(tmpdir(), 'vatp-period-'));
});
afterEach(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

const AS_OF = '2026-03-01T00:00:00.000Z';
const FEB_12_13 = { from: '2026-02-12T00:00:00Z', to: '2026-02-14T00:00:00Z' };

async function fullRun(
  runId: string,
  findings: Finding[],
  opts: { period?: typeof DAY1; startedAt?: string; parameters?: Record<string, unknown> } = {},
) {
  const period = opts.period ?? DAY1;
  const start = runStart(runId, 'HKVX', period, opts.startedAt);
  await h.store.startRun(opts.parameters ? { ...start, parameters: opts.parameters } : start);
  await h.store.recordFindings({ run_id: runId, venue: 'HKVX', ...period }, findings);
  await h.store.completeRun(runId, countsFor(findings), { at: '2026-02-14T02:00:00Z' });
}

const signer = () => new LocalFileSigner({ keyFile: join(dir, 'signing-key.pem') });

async function report(name: string, range = FEB_12_13) {
  const out = join(dir, name);
  const result = await buildPeriodReport(
    { venue: 'HKVX', ...range, toolVersion: '0.1.0', asOf: AS_OF },
    { store: h.store, out: openOutputSink(out), signer: signer() },
  );
  const read = (file: string) => readFile(join(out, file));
  const parser = new PDFParse({ data: new Uint8Array(await read('report.pdf')) });
  const text = (await parser.getText()).text.replace(/\s+/g, ' ');
  await parser.destroy();
  return {
    result,
    findings: (await read('findings.jsonl')).toString('utf8'),
    runs: (await read('runs.json')).toString('utf8'),
    text,
  };
}

const d1 = (run: string, subject: string, more: Partial<Finding> = {}) =>
  finding(run, 'HKVX', 'CP-1', subject, { severity: 'critical', ...more });

describe('the period report from the store', () => {
  beforeEach(async () => {
    await fullRun('r-1', [d1('r-1', 't-1'), d1('r-1', 't-2'), d1('r-1', 't-3', { severity: 'low' })]);
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: '2026-02-14T09:00:00Z', note: 'day reviewed' });
    await h.store.respond(d1('x', 't-2').finding_id, {
      status: 'acknowledged',
      by: 'alice',
      note: 'looking',
      at: '2026-02-15T09:00:00Z',
    });
    // the next day has a draft only
    await fullRun('r-d2', [finding('r-d2', 'HKVX', 'MF-1', 'c-1', { period: DAY2 })], {
      period: DAY2,
      startedAt: '2026-02-15T01:00:00.000Z',
    });
  });

  it('covers the accepted run, names the range, lists the day without an accepted run, with statuses and ages', async () => {
    const r = await report('p1');
    expect(r.result.runs.map((x) => x.run_id)).toEqual(['r-1']);
    expect(r.result.uncoveredDays).toBe(1);
    const lines = r.findings
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.subject, l.run_id, l.status])).toEqual([
      ['t-1', 'r-1', 'open'],
      ['t-2', 'r-1', 'acknowledged'],
      ['t-3', 'r-1', 'open'],
    ]);
    expect(lines[1].history).toEqual([
      { status: 'acknowledged', by: 'alice', at: '2026-02-15T09:00:00Z', note: 'looking' },
    ]);
    expect(JSON.parse(r.runs)[0]).toMatchObject({
      run_id: 'r-1',
      acceptance: { by: 'J. Chan', at: '2026-02-14T09:00:00Z', note: 'day reviewed' },
      supersedes: null,
    });
    expect(r.text).toContain('2026-02-12T00:00:00Z to 2026-02-14T00:00:00Z (UTC): 2026-02-12 to 2026-02-13 (2 days)');
    expect(r.text).toContain('2026-02-13 1 r-d2 (completed)');
    expect(r.text).toContain('2026-02-15T09:00:00Z alice: Acknowledged — looking');
    // open critical findings, aged from the end of 2026-02-12 to 2026-03-01
    expect(r.text).toContain('critical 16 2026-02-12 CP-1 t-1');
    expect(r.text).toContain('2026-02-12 r-1 J. Chan 2026-02-14T09:00:00Z day reviewed');
    expect(r.text).not.toContain('DRAFT');
  });

  it('a draft run with other parameters leaves the accepted run’s findings and the report unchanged but for a note', async () => {
    const before = await report('before');
    expect(before.text).toContain('No accepted run has a newer completed draft of its period.');
    await fullRun('r-trial', [d1('r-trial', 't-1', { severity: 'low', detail: 'trial' }), d1('r-trial', 't-9')], {
      startedAt: '2026-02-14T05:00:00.000Z',
      parameters: { haircut_floor: '0.95' },
    });
    const after = await report('after');
    expect(after.findings).toBe(before.findings);
    expect(after.runs).toBe(before.runs);
    expect(after.result.runs.map((x) => x.run_id)).toEqual(['r-1']);
    expect(after.text).toContain('1 accepted run has a newer completed draft of the same period');
    expect(after.text).toContain('2026-02-12 r-1 r-trial');
    // everything but the coverage notes reads the same
    const withoutNotes = (t: string) =>
      t
        .replace(/ 1 accepted run has a newer completed draft[^.]*\./, '')
        .replace(/Newer drafts .*? Findings per check and run/, 'Findings per check and run');
    expect(withoutNotes(after.text)).toBe(withoutNotes(before.text));
  });

  it('accepting a corrected run makes the report cover it, with the review state carried over', async () => {
    await fullRun('r-2', [d1('r-2', 't-2', { detail: 'corrected' }), d1('r-2', 't-4')], {
      startedAt: '2026-02-14T05:00:00.000Z',
    });
    const accepted = await h.store.acceptRun('r-2', { by: 'M. Wong', at: '2026-02-16T09:00:00Z' });
    expect(accepted.retired.map((x) => x.subject)).toEqual(['t-1', 't-3']);
    const r = await report('p2');
    expect(
      r.findings
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((l) => [l.subject, l.run_id, l.status, l.detail]),
    ).toEqual([
      ['t-2', 'r-2', 'acknowledged', 'corrected'],
      ['t-4', 'r-2', 'open', 'Trade t-4 breached CP-1.'],
    ]);
    expect(JSON.parse(r.runs)[0]).toMatchObject({ run_id: 'r-2', supersedes: 'r-1' });
    expect(r.text).not.toContain('r-1 J. Chan');
  });

  it('refuses a range without any accepted run, saying how many drafts there are and how to accept one', async () => {
    await expect(report('p3', { from: '2026-02-13T00:00:00Z', to: '2026-02-14T00:00:00Z' })).rejects.toThrow(
      new UsageError(
        'no accepted run of venue HKVX with a period starting in [2026-02-13T00:00:00Z, 2026-02-14T00:00:00Z): 1 completed draft run(s) (vatp-audit runs list --venue HKVX); accept one with: vatp-audit runs accept <run_id> --by "<name>"',
      ),
    );
  });
});

describe('vatp-audit report', () => {
  let lines: string[];
  let errors: string[];

  async function reportCli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    lines = [];
    errors = [];
    const program = new Command('vatp-audit').exitOverride();
    const services = {
      store: async () => h.store,
      openSink: (uri: string) => openOutputSink(uri),
      signer: () => signer(),
    } as unknown as CliServices;
    registerReportCommand(program, {
      services: async () => services,
      out: (l) => lines.push(l),
      err: (l) => errors.push(l),
      now: () => new Date(AS_OF),
      dataHome: join(dir, 'home'),
    });
    try {
      await program.parseAsync(['node', 'vatp-audit', 'report', '--venue', 'HKVX', ...args]);
      return { code: 0, out: lines, err: errors };
    } catch (e) {
      return {
        code: reportCommandError(e, 'report', (l) => errors.push(l), { debug: false }),
        out: lines,
        err: errors,
      };
    }
  }

  it('exits 0 and says what it covered', async () => {
    await fullRun('r-1', [d1('r-1', 't-1')]);
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: '2026-02-14T09:00:00Z' });
    const out = join(dir, 'cli');
    const r = await reportCli('--from', '2026-02-12', '--to', '2026-02-13', '--out', out);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(
      'period report for HKVX, 2026-02-12T00:00:00Z .. 2026-02-14T00:00:00Z: 1 accepted run, 1 finding, 1 day without an accepted run',
    );
  });

  it('exits 2 with one line for a range without an accepted run, a reversed or empty range, and a bad date', async () => {
    await fullRun('r-1', [d1('r-1', 't-1')]);
    const out = join(dir, 'cli');
    const none = await reportCli('--from', '2026-02-01', '--to', '2026-02-28', '--out', out);
    expect(none.code).toBe(2);
    expect(none.err).toEqual([
      'vatp-audit report: no accepted run of venue HKVX with a period starting in [2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z): 1 completed draft run(s) (vatp-audit runs list --venue HKVX); accept one with: vatp-audit runs accept <run_id> --by "<name>"',
    ]);
    const reversed = await reportCli('--from', '2026-02-28', '--to', '2026-02-01', '--out', out);
    expect([reversed.code, reversed.err]).toEqual([
      2,
      ['vatp-audit report: --from 2026-02-28 is after --to 2026-02-01: the range is reversed'],
    ]);
    const empty = await reportCli('--from', '2026-02-12T00:00:00Z', '--to', '2026-02-12T00:00:00Z', '--out', out);
    expect([empty.code, empty.err]).toEqual([
      2,
      ['vatp-audit report: --from and --to are both 2026-02-12T00:00:00Z: the range is empty (--to is exclusive)'],
    ]);
    const bad = await reportCli('--from', '12/02/2026', '--to', '2026-02-13', '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.err).toEqual([
      'vatp-audit report: --from 12/02/2026 is not a date (YYYY-MM-DD) or an RFC 3339 UTC timestamp',
    ]);
  });
});

describe('reportRange', () => {
  it('takes bare dates as whole UTC days, --to inclusive, and timestamps as they are', () => {
    expect(reportRange('2026-02-01', '2026-02-28')).toEqual({
      from: '2026-02-01T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
    });
    expect(reportRange('2026-02-05', '2026-02-05')).toEqual({
      from: '2026-02-05T00:00:00Z',
      to: '2026-02-06T00:00:00Z',
    });
    expect(reportRange('2026-02-05T12:00:00Z', '2026-02-05T12:00:00.000000001Z').to).toBe(
      '2026-02-05T12:00:00.000000001Z',
    );
    expect(() => reportRange('2026-02-06', '2026-02-05')).toThrow(VatpAuditUsageError);
  });
});
