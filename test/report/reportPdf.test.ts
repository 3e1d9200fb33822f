/**
 * The run report of a generated dataset read back with a real PDF text extractor: every family's evidence with its
 * key fields (a CP-1 names its blocking orders), no id or hash split across lines, binary as \xNN, DRAFT on every
 * page, headings never alone at a page foot, one-line furniture whatever the widths, and 25,000 findings in under 150
 * pages.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { Finding } from '#shared/contract/finding.js';
import { buildReportModel, type ReportInput } from '#shared/report/model.js';
import { renderReportPdf } from '#shared/report/renderPdf.js';
import { realisticInput } from './fixtures.js';
import { type AuditedRun, auditedRun } from './generatedRun.js';
import { linesOf, pdfPages, splitTokens, tokensOf } from './pdfText.js';

let work: string;
let run: AuditedRun;
let pages: string[];
let manifest: { input_digest: string; signature: { key_fingerprint: string } };
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-report-pdf-'));
  run = await auditedRun(work);
  pages = await pdfPages(await readFile(join(run.pack, 'report.pdf')));
  manifest = JSON.parse(await readFile(join(run.pack, 'manifest.json'), 'utf8'));
}, 180_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The page on which a finding's card starts. */
function cardPage(f: Finding): string {
  const page = pages.find((p) => p.includes(`${f.check_id} · ${f.subject}`));
  if (page === undefined) throw new Error(`no card for ${f.check_id} ${f.subject}`);
  return page;
}

/** What each family's evidence shows, read from the evidence the check wrote. */
const KEY_FIELDS: Record<string, (f: Finding) => string[]> = {
  CP: (f) => {
    const blocking = f.evidence.blocking_orders as { order_id: string; account_id: string; priority: number }[];
    return [
      'Blocking protected orders, by priority',
      'Visible qty',
      'Priority seq',
      ...blocking.flatMap((o) => [o.order_id, o.account_id, String(o.priority)]),
    ];
  },
  MMT: (f) => (f.check_id === 'MMT-4' ? ['Tags at the trade', 'Agree', 'NO'] : ['Tag timeline of the order', 'mm_tag']),
  FS: (f) =>
    ({
      'FS-3': ['Order events the session carried, by side', 'First shared at'],
      'FS-5': ['Uses of the IP, by side', 'First shared at'],
      'FS-6': ['Orders per symbol', 'First and last order'],
      'FS-7': ['Staff member', 'Employed by'],
      'FS-4': ['Who', 'Resource'],
    })[f.check_id] ?? ['Who entered it', 'Where from', 'Session', 'Source IP'],
  NRH: (f) =>
    ({
      'NRH-1': ['Movement', 'From wallet', 'To wallet'],
      'NRH-2': ['Movement', 'Earlier default on the loan'],
      'NRH-3': ['Encumbrance', 'In favour of'],
      'NRH-4': ['Holdings against custody', 'Custody balance', 'Shortfall'],
      'NRH-5': ['Movement', 'Expected destination'],
    })[f.check_id] ?? [],
  MF: (f) =>
    ({
      'MF-1': ['Eligible assets'],
      'MF-2': ['Haircut recorded', 'Floor'],
      'MF-3': [
        'Outstanding',
        'Lending value',
        ...(((f.evidence.lots as unknown[] | undefined)?.length ?? 0) > 0
          ? ['Collateral lots, oldest pledge first', 'Haircut']
          : []),
      ],
      'MF-4': ['Securities margin client', 'Virtual-asset lots backing the loan'],
      'MF-5': ['The events the window is measured between'],
      'MF-6': ['Loans left short with no timely margin call'],
    })[f.check_id] ?? [],
  PERP: (f) =>
    f.check_id === 'PERP-1' ? ['Investor class', 'Perpetual'.toLowerCase()] : ['Approved for retail spot trading'],
  DQ: (f) =>
    ({
      'DQ-1': ['Where', 'Reason: ', 'Raw record text', `${f.evidence.file}:${f.evidence.line}`],
      'DQ-2': ['Records with this seq'],
      'DQ-3': ['Orders of the trade, as the replay knew them'],
      'DQ-4': ['Records around the gap'],
      'DQ-5': ['References to it, by role'],
      'DQ-6': ['Order state'],
    })[f.check_id] ?? [],
};

describe('the run report of a generated dataset', () => {
  it("shows every check's first finding with its finding id and its family's evidence table and key fields", () => {
    for (const c of CHECKS) {
      const f = run.findings.find((x) => x.check_id === c.id)!;
      const page = cardPage(f);
      expect(page, c.id).toContain(f.finding_id);
      for (const key of KEY_FIELDS[c.family]!(f)) expect(page, `${c.id}: ${key}`).toContain(key);
    }
  });

  it('names the blocking orders of every CP-1 finding in its row of the table', () => {
    for (const f of run.findings.filter((x) => x.check_id === 'CP-1')) {
      const lines = linesOf(cardPage(f));
      for (const o of f.evidence.blocking_orders as { order_id: string; account_id: string; visible_qty: string }[]) {
        expect(lines.some((l) => l.includes(o.order_id) && l.includes(o.account_id) && l.includes(o.visible_qty))).toBe(
          true,
        );
      }
    }
  });

  it('never splits an id, a timestamp, a file:line or a hash across lines or with a space', () => {
    const tokens = tokensOf(run.findings, [run.runId, manifest.input_digest, manifest.signature.key_fingerprint]);
    expect(tokens.size).toBeGreaterThan(200);
    expect(splitTokens(pages, tokens)).toEqual([]);
    const all = pages.join('\n');
    for (const t of [run.runId, manifest.input_digest, manifest.signature.key_fingerprint]) expect(all).toContain(t);
  });

  it('shows quarantined binary and control bytes as \\xNN, never as replacement glyphs', () => {
    const all = pages.join('\n');
    expect(all).toContain('"bin":"\\xFF\\xFE"}');
    expect(all).toContain('\\x01\\x02 bell \\x07');
    expect(all).not.toContain('\ufffd');
  });

  it('says DRAFT on every page of the report written at run time', () => {
    pages.forEach((p, i) => {
      expect(p, `page ${i + 1}`).toMatch(/DRAFT · Run r-/);
    });
    expect(pages[0]).toContain('every finding as found by the run');
  });

  it('never leaves a heading as the last line of a page', () => {
    const headings = new Set<string>([
      'Method',
      'Files read',
      'Not tested, and why',
      'Parameters',
      'Trade',
      'Affiliated MM order (maker)',
      'Taker',
      'Totals',
      'Blocking protected orders, by priority',
      'Records with this seq',
      'Where',
      ...CHECKS.map((c) => `${c.id} — ${c.title}`),
    ]);
    pages.forEach((p, i) => {
      const content = linesOf(p).filter((l) => !/Page \d+ of \d+/.test(l) && l !== 'DRAFT');
      const last = content.at(-1) ?? '';
      const isHeading = [...headings].some((h) => h === last || (last.length > 12 && h.endsWith(last)));
      expect(isHeading, `page ${i + 1} ends with the heading ${JSON.stringify(last)}`).toBe(false);
    });
  });

  it('renders 25,000 findings of every family in under 150 pages, each check counted whole', async () => {
    function* many(): Generator<Finding> {
      for (let i = 0; i < 25_000; i++) {
        const f = run.findings[i % run.findings.length]!;
        const k = Math.floor(i / run.findings.length);
        yield { ...f, finding_id: `f-${String(i).padStart(32, '0')}`, subject: `${f.subject}~${k}` };
      }
    }
    const input: ReportInput = {
      ...realisticInput(),
      run_id: run.runId,
      parameters: DEFAULT_PARAMETERS,
      findings: many(),
    };
    const model = buildReportModel(input);
    expect(model.totals.findings_total).toBe(25_000);
    const big = await pdfPages(await renderReportPdf(model));
    expect(big.length).toBeLessThan(150);
    const text = big.join('\n');
    expect(text).toMatch(/Listed: \d+ of [\d,]+ findings of CP-1/);
    expect(text).toContain('are in findings.jsonl of the evidence pack');
  }, 120_000);
});

describe('page furniture', () => {
  it('keeps the header and footer on one line with a very long run id and venue', async () => {
    const venue = `HKVX ${'Very Long Venue Name '.repeat(12)}`.trim();
    const runId = `r-${'0123456789abcdef'.repeat(16)}`;
    const model = buildReportModel(
      realisticInput({ run_id: runId, manifest: { ...realisticInput().manifest, venue } }),
    );
    const long = await pdfPages(await renderReportPdf(model));
    long.forEach((p, i) => {
      const lines = linesOf(p);
      const footer = lines.filter((l) => l.includes('findings.jsonl holds every finding'));
      expect(footer, `page ${i + 1}`).toHaveLength(1);
      expect(footer[0], `page ${i + 1}`).toMatch(new RegExp(`Page ${i + 1} of ${long.length}`));
      expect(footer[0]).toContain('Run r-012345…89abcdef');
      if (i > 0)
        expect(
          lines.filter((l) => l.startsWith('vatp-audit review ·')),
          `page ${i + 1}`,
        ).toHaveLength(1);
    });
    // The cover prints the whole id; one wider than the page is cut with a visible continuation mark.
    expect(long[0]!.replace(/↩\s*/g, '')).toContain(runId);
  }, 60_000);
});
