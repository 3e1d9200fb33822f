/** The review report read back with a real PDF reader: every section, every check id, the counts; deterministic bytes. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import type { Finding } from '#shared/contract/finding.js';
import { buildReportModel } from '#shared/report/model.js';
import { limitFontLayoutCache, loadReportFonts, renderReportPdf } from '#shared/report/renderPdf.js';
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

describe('limitFontLayoutCache', () => {
  /** Three pages of distinct words (ids, as a report has), with the cache limited or left to pdfkit. */
  async function threePages(limit: boolean): Promise<{ pdf: Buffer; cached: number[] }> {
    const date = new Date('2026-02-11T00:00:00Z');
    const doc = new PDFDocument({ size: 'A4', compress: true, info: { CreationDate: date, ModDate: date } });
    if (limit) limitFontLayoutCache(doc);
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve) => {
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
    });
    doc.registerFont('body', loadReportFonts().regular);
    doc.font('body');
    const cache = () => {
      const fonts = (doc as unknown as { _fontFamilies: Record<string, { layoutCache?: object }> })._fontFamilies;
      return Object.values(fonts).reduce((n, f) => n + Object.keys(f.layoutCache ?? {}).length, 0);
    };
    const cached: number[] = [];
    for (let page = 0; page < 3; page++) {
      if (page > 0) doc.addPage();
      const words = Array.from({ length: 150 }, (_, i) => `o-${page}-${i} {"seq":${page * 1000 + i}}`);
      doc.text(`order ${words.join(' order ')}`);
      cached.push(cache());
    }
    doc.end();
    return { pdf: await done, cached };
  }

  it("keeps only the current page's shaped words, and the bytes are those of pdfkit's unbounded cache", async () => {
    const limited = await threePages(true);
    const unbounded = await threePages(false);
    // Each page adds its 300 distinct words and "order"; limited, a page starts from an empty cache.
    expect(unbounded.cached[2]).toBeGreaterThan(900);
    expect(Math.max(...limited.cached)).toBeLessThanOrEqual(unbounded.cached[0]!);
    expect(limited.cached[2]).toBeLessThan(unbounded.cached[2]! / 2);
    expect(limited.pdf.equals(unbounded.pdf)).toBe(true);
  });
});
