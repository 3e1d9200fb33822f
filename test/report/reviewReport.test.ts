/** The review report read back with a real PDF reader: every section, every check id, the counts; deterministic bytes. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import type { Finding } from '#shared/findings/finding.js';
import { buildReportModel } from '#shared/report/model.js';
import { renderReportPdf } from '#shared/report/renderPdf.js';
import { realisticFindings, realisticInput } from './fixtures.js';

async function text(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  const r = await parser.getText();
  await parser.destroy();
  return { text: r.text, pages: r.total };
}

function hasQpdf(): boolean {
  try {
    execFileSync('qpdf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('review report PDF', () => {
  it('has every section, every check id and the counts, and two renders are byte-identical', async () => {
    const model = buildReportModel(realisticInput());
    const a = await renderReportPdf(model);
    const b = await renderReportPdf(buildReportModel(realisticInput()));
    expect(a.equals(b)).toBe(true);
    const { text: t, pages } = await text(a);
    for (const section of [
      'Contents',
      'Executive summary',
      'Scope, data and parameters',
      'Findings at a glance',
      'Customer priority',
      'Functional separation',
      'Data completeness',
      'Management responses',
      'Reviewer sign-off',
    ])
      expect(t, section).toContain(section);
    for (const c of CHECKS) expect(t, c.id).toContain(c.id);
    expect(t).toContain('HKVX');
    expect(t).toContain(model.run_id);
    expect(t).toContain('t-1881');
    expect(pages).toBeGreaterThan(5);
    expect(pages).toBeLessThan(60);
  });

  it('passes a structural check (qpdf --check, when qpdf is installed)', async () => {
    const pdf = await renderReportPdf(buildReportModel(realisticInput()));
    if (!hasQpdf()) {
      // pdf-parse opening the file (above) is the structural check on machines without qpdf.
      console.warn('qpdf not installed: structural check done by pdf-parse only');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'vatp-pdf-'));
    try {
      await writeFile(join(dir, 'r.pdf'), pdf);
      expect(execFileSync('qpdf', ['--check', join(dir, 'r.pdf')]).toString()).toMatch(
        /No syntax or stream encoding errors/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders 10,000 findings with capped listings and a pointer to findings.jsonl', async () => {
    const base = realisticFindings()[0]!;
    const many: Finding[] = Array.from({ length: 10_000 }, (_, i) => ({
      ...base,
      finding_id: `f-${i}`,
      subject: `t-${String(i).padStart(5, '0')}`,
      seq: i,
    }));
    const pdf = await renderReportPdf(buildReportModel(realisticInput({ findings: many })));
    const { text: t, pages } = await text(pdf);
    expect(t).toContain('findings.jsonl');
    expect(t).toContain('t-00000');
    expect(t).not.toContain('t-09999');
    expect(pages).toBeLessThan(80);
  });
});
