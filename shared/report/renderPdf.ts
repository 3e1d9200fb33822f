/**
 * Renders a report model to PDF bytes with pdfkit. Reproducible: the document dates come from the model (never the
 * clock), pdfkit's file ID is a hash of the info dictionary, and the embedded TrueType subsets are deterministic, so
 * the same model gives byte-identical output. The fonts (DejaVu Sans and Sans Mono, Bitstream Vera licence) ship in
 * templates/fonts and are embedded, so the PDF reads the same everywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { FONT } from '../../templates/layout.js';
import { layoutPeriodReport } from '../../templates/periodReport.js';
import { layoutReviewReport } from '../../templates/reviewReport.js';
import { ReportError, ReportFontError } from './errors.js';
import type { ReportModel } from './model.js';
import type { PeriodReportModel } from './periodModel.js';
import { plural } from './words.js';

export interface ReportFonts {
  regular: Buffer;
  bold: Buffer;
  /** Ids, hashes, instants and raw record text. */
  mono: Buffer;
}

export interface RenderOptions {
  /** Font files; default: templates/fonts found next to the source or the bundle. */
  fonts?: ReportFonts;
  /** A directory holding the font files (e.g. inside a Lambda bundle). */
  fontDir?: string;
}

const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf' } as const;

/** Where templates/fonts sits relative to this module: from source, from dist/ bundles and from Lambda bundles. */
const FONT_DIR_CANDIDATES = ['../../templates/fonts/', '../templates/fonts/', './templates/fonts/', './fonts/'];

let cachedFonts: ReportFonts | undefined;

export function loadReportFonts(fontDir?: string): ReportFonts {
  if (fontDir === undefined && cachedFonts !== undefined) return cachedFonts;
  const dirs =
    fontDir !== undefined
      ? [fontDir.endsWith('/') ? fontDir : `${fontDir}/`]
      : FONT_DIR_CANDIDATES.map((c) => fileURLToPath(new URL(c, import.meta.url)));
  for (const dir of dirs) {
    if (!Object.values(FONT_FILES).every((f) => existsSync(`${dir}${f}`))) continue;
    try {
      const fonts = {
        regular: readFileSync(`${dir}${FONT_FILES.regular}`),
        bold: readFileSync(`${dir}${FONT_FILES.bold}`),
        mono: readFileSync(`${dir}${FONT_FILES.mono}`),
      };
      if (fontDir === undefined) cachedFonts = fonts;
      return fonts;
    } catch (cause) {
      throw new ReportFontError(`cannot read the report fonts in ${dir}`, { cause });
    }
  }
  throw new ReportFontError(
    `report fonts ${Object.values(FONT_FILES).join(', ')} not found in ${dirs.join(', ')}; ship templates/fonts with the program`,
  );
}

function pdfDate(iso: string): Date {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new ReportError(`report document date is not a valid timestamp: ${iso}`);
  // Whole seconds: the PDF date format has no fractions.
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/**
 * pdfkit keeps the shaping of every distinct word for the life of a document (EmbeddedFont.layoutCache), and a report
 * is mostly distinct words: finding and order ids, hashes, JSON evidence (the line wrapper shapes many prefixes of a
 * long one), so on a large run the cache grows into the run's peak RSS. Shaping is a pure function of the word, so the
 * cache is emptied at each new page: the bytes are the same, memory holds one page's words, and the render is no
 * slower (fewer collections). pdfkit has no public handle on the
 * cache; should its internals change, this finds no cache and changes nothing.
 */
export function limitFontLayoutCache(doc: PDFKit.PDFDocument): void {
  doc.on('pageAdded', () => {
    const fonts = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: unknown }> })._fontFamilies;
    for (const font of Object.values(fonts ?? {})) {
      if (typeof font.layoutCache === 'object' && font.layoutCache !== null) font.layoutCache = Object.create(null);
    }
  });
}

/**
 * pdfkit keeps every page of a buffered document (bufferPages: the contents and "page N of M" are written last) as the
 * list of small chunks its drawing operators wrote, one Uint8Array each: ~400,000 of them, ~100 MB of heap, for a
 * 160-page report of 25,000 findings. When a page is done its chunks are joined into one, the same bytes pdfkit joins
 * at the end anyway, so the output is identical. Should pdfkit's internals change, this finds no chunk list and
 * changes nothing.
 */
export function compactFinishedPages(doc: PDFKit.PDFDocument): void {
  type Content = { buffer?: unknown };
  const contentOf = (): Content | undefined => (doc as unknown as { page?: { content?: Content } }).page?.content;
  let previous = contentOf();
  doc.on('pageAdded', () => {
    const chunks = previous?.buffer;
    if (
      previous !== undefined &&
      Array.isArray(chunks) &&
      chunks.length > 1 &&
      chunks.every((c) => c instanceof Uint8Array)
    ) {
      previous.buffer = [Buffer.concat(chunks as Uint8Array[])];
    }
    previous = contentOf();
  });
}

async function render(
  info: { title: string; subject: string; keywords: string; date: string },
  opts: RenderOptions,
  layout: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  const fonts = opts.fonts ?? loadReportFonts(opts.fontDir);
  const date = pdfDate(info.date);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 48, right: 48 },
    bufferPages: true,
    autoFirstPage: true,
    compress: true,
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    info: {
      Title: info.title,
      Author: 'vatp-audit',
      Subject: info.subject,
      Keywords: info.keywords,
      Creator: 'vatp-audit',
      Producer: 'vatp-audit (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  limitFontLayoutCache(doc);
  compactFinishedPages(doc);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    doc.registerFont(FONT.regular, fonts.regular);
    doc.registerFont(FONT.bold, fonts.bold);
    doc.registerFont(FONT.mono, fonts.mono);
    doc.font(FONT.regular);
    layout(doc);
  } catch (cause) {
    doc.end();
    await done.catch(() => undefined);
    throw new ReportError(`rendering the report failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  doc.end();
  return done;
}

/** The review report of one run. */
export function renderReportPdf(model: ReportModel, opts: RenderOptions = {}): Promise<Buffer> {
  return render(
    {
      title: `Review report ${model.venue} ${model.period_start} to ${model.period_end}`,
      subject: `vatp-audit run ${model.run_id}, rules v${model.rules_version}`,
      keywords: `vatp-audit, ${model.venue}, ${model.run_id}, ${model.key_fingerprint}`,
      date: model.document_date,
    },
    opts,
    (doc) => layoutReviewReport(doc, model),
  );
}

/** The period report (per-day trends over many runs). */
export function renderPeriodReportPdf(model: PeriodReportModel, opts: RenderOptions = {}): Promise<Buffer> {
  return render(
    {
      title: `Period review report ${model.venue} ${model.period_start} to ${model.period_end}`,
      subject: `vatp-audit period report over ${plural(model.runs.length, 'run')}, rules v${model.rules_version}`,
      keywords: `vatp-audit, ${model.venue}, ${model.key_fingerprint}`,
      date: model.document_date,
    },
    opts,
    (doc) => layoutPeriodReport(doc, model),
  );
}
