/**
 * `report --run`: the run's report generated from the findings store after review, on the embedded stack. A response
 * recorded with `findings respond` shows (status and note) in the report generated after it; a draft says DRAFT on
 * every page; an accepted run's report carries the sign-off; the pack verifies and is byte-identical when rebuilt.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import type { Finding } from '#shared/contract/finding.js';
import { localInputDigests, openLocalPackReader } from '#shared/evidence/localPackReader.js';
import { LocalFileSigner } from '#shared/evidence/signer.js';
import { verifyEvidencePack } from '#shared/evidence/verify.js';
import { UsageError } from '#shared/pipeline/errors.js';
import { buildRunReport, latestInstant, type RunReportDeps } from '#shared/pipeline/runReport.js';
import type { FindingsStore } from '#shared/store/findingsStore.js';
import { type AuditedRun, auditedRun } from '../report/generatedRun.js';
import { linesOf, pdfPages, splitTokens, tokensOf } from '../report/pdfText.js';
import { type Harness, openHarness, runStart } from '../store/harness.js';

let work: string;
let h: Harness;
let run: AuditedRun;
let responded: Finding;
const NOTE = 'Matching engine self-trade-prevention flag reviewed with the venue; remediation ticket OPS-4411 opened.';
const RESPONDED_AT = '2026-02-20T08:30:00.000Z';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-run-report-'));
  h = await openHarness();
  run = await auditedRun(work, { store: h.store, orders: 3000 });
  responded = run.findings.find((f) => f.check_id === 'CP-1')!;
  await h.store.respond(responded.finding_id, { status: 'acknowledged', by: 'J. Chan', note: NOTE, at: RESPONDED_AT });
}, 240_000);
afterAll(async () => {
  await h?.close();
  await rm(work, { recursive: true, force: true });
});

async function report(dir: string, store: RunReportDeps['store'] = h.store) {
  const out = join(work, dir);
  const result = await buildRunReport(
    { runId: run.runId, toolVersion: 'test' },
    { store, out: openOutputSink(out), signer: new LocalFileSigner({ keyFile: run.keyFile }) },
  );
  return { out, result, pages: await pdfPages(await readFile(join(out, 'report.pdf'))) };
}

const flat = (page: string): string => page.replace(/\s+/g, ' ');

describe('the run report generated from the store', () => {
  it('shows a recorded response’s status and note on its finding and among the responses, as a DRAFT', async () => {
    const { result, pages } = await report('draft');
    expect(result).toMatchObject({ draft: true, responded: 1, findings: run.findings.length });
    const card = pages.find((p) => p.includes(`CP-1 · ${responded.subject}`))!;
    expect(card).toContain(responded.finding_id);
    expect(flat(card)).toContain(`acknowledged by J. Chan at ${RESPONDED_AT}: “${NOTE}”`);
    const responsesPage = flat(
      pages.find((p) => p.includes('Management responses') && p.includes(responded.finding_id))!,
    );
    expect(responsesPage).toContain(NOTE);
    expect(responsesPage).toContain('1 finding of this run has a recorded management response');
    for (const [i, p] of pages.entries()) expect(p, `page ${i + 1}`).toMatch(/DRAFT · Run r-/);
    expect(flat(pages[0]!)).toContain(`Review statuses and responses as of ${RESPONDED_AT}`);
    expect(flat(pages.at(-1)!)).toContain('Not accepted: this report is a DRAFT');
    expect(splitTokens(pages, tokensOf(run.findings))).toEqual([]);
  });

  it('is a signed pack that verify accepts (with the dataset re-hashed), rebuilt byte for byte', async () => {
    const a = await report('pack-a');
    const b = await report('pack-b');
    const names = (await readdir(a.out)).sort();
    expect(names).toEqual([
      'findings.jsonl',
      'manifest.json',
      'manifest.sig',
      'public-key.pem',
      'report.pdf',
      'run.json',
    ]);
    for (const n of names)
      expect((await readFile(join(a.out, n))).equals(await readFile(join(b.out, n))), n).toBe(true);
    const verified = await verifyEvidencePack(await openLocalPackReader(a.out), {
      inputs: localInputDigests(run.dataset),
    });
    expect(verified.problems).toEqual([]);
    expect(verified).toMatchObject({ ok: true, runId: run.runId });
    const lines = (await readFile(join(a.out, 'findings.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(run.findings.length);
    const line = lines.find((l) => l.finding_id === responded.finding_id);
    expect(line).toMatchObject({
      status: 'acknowledged',
      history: [{ status: 'acknowledged', by: 'J. Chan', note: NOTE }],
    });
    expect(lines.filter((l) => l.status === 'open')).toHaveLength(run.findings.length - 1);
    const runJson = JSON.parse(await readFile(join(a.out, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ run_id: run.runId, status: 'completed' });
  });

  it('prints the sign-off of an accepted run and no DRAFT', async () => {
    const acceptance = {
      by: 'A. Reviewer (Independent Review LLP)',
      at: '2026-02-21T09:00:00.000Z',
      note: 'Accepted after the CP-1 responses were reviewed.',
    };
    const accepted: RunReportDeps['store'] = {
      getRun: async (id) => {
        const r = await h.store.getRun(id);
        return r === undefined ? undefined : { ...r, acceptance };
      },
      listFindings: (filters) => h.store.listFindings(filters),
    };
    const { result, pages } = await report('accepted', accepted);
    expect(result.draft).toBe(false);
    for (const p of pages) expect(p).not.toContain('DRAFT');
    const signOff = flat(pages.at(-1)!);
    expect(signOff).toContain('Reviewer sign-off');
    expect(signOff).toContain('Sign-off recorded');
    for (const s of [acceptance.by, acceptance.at, acceptance.note]) expect(signOff).toContain(s);
    expect(flat(pages[0]!)).toContain(`Accepted by ${acceptance.by} at ${acceptance.at}`);
    const headerLines = pages.slice(1).map((p) => linesOf(p).find((l) => l.startsWith('vatp-audit review')) ?? '');
    for (const l of headerLines) expect(l).toContain('accepted 2026-02-21');
  });

  it('refuses a run the store does not have, or one that has not completed (exit 2)', async () => {
    const none = buildRunReport(
      { runId: 'r-missing', toolVersion: 'test' },
      {
        store: h.store,
        out: openOutputSink(join(work, 'none')),
        signer: new LocalFileSigner({ keyFile: run.keyFile }),
      },
    );
    await expect(none).rejects.toThrow(UsageError);
    await h.store.startRun(runStart('r-still-running', 'HKVX'));
    const running = buildRunReport(
      { runId: 'r-still-running', toolVersion: 'test' },
      {
        store: h.store as FindingsStore,
        out: openOutputSink(join(work, 'running')),
        signer: new LocalFileSigner({ keyFile: run.keyFile }),
      },
    );
    await expect(running).rejects.toThrow(/running: only a completed run/);
  });
});

describe('latestInstant', () => {
  it('compares instants, not strings, and skips absent ones', () => {
    expect(latestInstant(['2026-02-20T08:30:00Z', '2026-02-20T08:30:00.5Z', null, undefined])).toBe(
      '2026-02-20T08:30:00.5Z',
    );
    expect(latestInstant([])).toBeNull();
  });
});
