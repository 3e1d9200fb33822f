/**
 * Layout primitives for the PDF reports (pdfkit): headings that keep with what follows, paragraphs, label/value
 * lists, tables that repeat their header on every page and never overflow one, vector bar charts, and one-line page
 * furniture (with DRAFT on every page of a draft). Everything is drawn from the model only: no dates, no
 * randomness, so the same model gives the same bytes.
 *
 * Text is broken by templates/textFit.ts, never by pdfkit: lines break at spaces only, so ids, hashes, timestamps and
 * `file:line` are never cut; a cell whose token is wider than the cell shrinks its font. Every string drawn is made
 * printable first (control characters as `\xNN`, characters the embedded font lacks as `\uNNNN`).
 */
import type { Severity } from '../shared/contract/finding.js';
import { printable } from '../shared/report/evidenceView.js';
import { autoWidths, fitOneLine, type Measure, type Wrapped, wrapTokens } from './textFit.js';

export const FONT = { regular: 'Report-Regular', bold: 'Report-Bold', mono: 'Report-Mono' } as const;

export const COLOR = {
  ink: '#1d2433',
  muted: '#5b6475',
  faint: '#9aa3b2',
  rule: '#d5dae2',
  navy: '#14305a',
  band: '#eef2f7',
  zebra: '#f7f9fb',
  code: '#f3f4f6',
  white: '#ffffff',
  ok: '#2e7d32',
  warn: '#b26a00',
  bad: '#b3261e',
  neutral: '#6b7280',
} as const;

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#8e1b1b',
  high: '#d9480f',
  medium: '#e3a008',
  low: '#4a7fb5',
};

export type Doc = PDFKit.PDFDocument;
export type Align = 'left' | 'right' | 'center';

export interface TextStyle {
  size: number;
  bold?: boolean;
  mono?: boolean;
  color?: string;
}

export interface Column {
  header: string;
  /** Relative width; columns are scaled to the text width (ignored by tables laid out from their content). */
  width: number;
  align?: Align;
  /** Ids, hashes, instants and quantities: set in the monospace face. */
  mono?: boolean;
}

export interface Row {
  cells: string[];
  /** One cell spanning every column (a group heading). */
  span?: boolean;
  bold?: boolean;
  fill?: string;
  /** Per-cell text colour. */
  colors?: (string | undefined)[];
}

export interface TableOptions {
  fontSize?: number;
  zebra?: boolean;
  /** Column widths from the content (each column at least its widest token), not from Column.width. */
  auto?: boolean;
  /** A title drawn above the table and kept on the page with its header and first rows. */
  title?: string;
  /** Rows kept with the title and header (default 3). */
  keepRows?: number;
  /** Header style: navy band (default) or a light one for tables inside a finding. */
  light?: boolean;
  /** Left indent of the table. */
  indent?: number;
}

/** Text set out for drawing: its lines at a (possibly shrunk) size. */
export interface SetText {
  lines: string[];
  size: number;
  height: number;
}

const PAD = 3;
/** Smallest size a cell shrinks its font to so that a token fits. */
const MIN_CELL_SIZE = 4.2;
/** Marks a line of a token cut only because it is wider than even the smallest font allows. */
export const CONTINUATION = '↩';

/** Thousands with a thin grouping comma; locale-independent so output never depends on the machine. */
export function fmtInt(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

export interface TocEntry {
  title: string;
  /** 0-based page index. */
  page: number;
  level: number;
}

interface FontkitLike {
  hasGlyphForCodePoint(cp: number): boolean;
}

export class Layout {
  readonly toc: TocEntry[] = [];
  readonly #glyphs = new Map<string, Map<number, boolean>>();

  constructor(readonly doc: Doc) {}

  get left(): number {
    return this.doc.page.margins.left;
  }
  get right(): number {
    return this.doc.page.width - this.doc.page.margins.right;
  }
  get width(): number {
    return this.right - this.left;
  }
  get top(): number {
    return this.doc.page.margins.top;
  }
  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }
  get pageIndex(): number {
    const r = this.doc.bufferedPageRange();
    return r.start + r.count - 1;
  }
  /** Points left on this page. */
  get room(): number {
    return this.bottom - this.doc.y;
  }

  newPage(): void {
    this.doc.addPage();
    this.doc.x = this.left;
    this.doc.y = this.top;
  }

  /** Starts a new page unless `h` points still fit on this one. */
  ensure(h: number): void {
    if (this.doc.y + h > this.bottom) this.newPage();
  }

  gap(h = 6): void {
    this.doc.y += h;
  }

  font(bold: boolean, size: number, color: string = COLOR.ink): void {
    this.doc
      .font(bold ? FONT.bold : FONT.regular)
      .fontSize(size)
      .fillColor(color);
  }

  style(s: TextStyle): void {
    this.doc
      .font(s.mono ? FONT.mono : s.bold ? FONT.bold : FONT.regular)
      .fontSize(s.size)
      .fillColor(s.color ?? COLOR.ink);
  }

  /** Line height of a style (its font's ascent to descent, plus gap). */
  lineHeight(s: TextStyle): number {
    this.style(s);
    return this.doc.currentLineHeight(true);
  }

  measure(s: TextStyle): Measure {
    this.style(s);
    return (t) => this.doc.widthOfString(t);
  }

  /** Printable text in the style's font: control characters as `\xNN`, characters without a glyph as `\uNNNN`. */
  safe(text: string, s: TextStyle): string {
    // Line feeds the templates put in are kept; dataset text reaches them already escaped (shared/report).
    const t = text.includes('\n') ? text.split('\n').map(printable).join('\n') : printable(text);
    const name = s.mono ? FONT.mono : s.bold ? FONT.bold : FONT.regular;
    let known = this.#glyphs.get(name);
    if (known === undefined) {
      known = new Map();
      this.#glyphs.set(name, known);
    }
    // Printable ASCII (and line feeds) needs no glyph lookup.
    if (/^[\x20-\x7e\n]*$/.test(t)) return t;
    this.style(s);
    const font = (this.doc as unknown as { _font?: { font?: Partial<FontkitLike> } })._font?.font;
    if (typeof font?.hasGlyphForCodePoint !== 'function') return t;
    let out = '';
    for (const ch of t) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x7f || ch === '\n') {
        out += ch;
        continue;
      }
      let has = known.get(cp);
      if (has === undefined) {
        has = font.hasGlyphForCodePoint(cp);
        known.set(cp, has);
      }
      out += has ? ch : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    }
    return out;
  }

  /** Token-safe lines of (already safe) text at a width. */
  wrap(text: string, width: number, s: TextStyle): Wrapped {
    return wrapTokens(text, width, this.measure(s));
  }

  /**
   * Text set out in `width`: broken at spaces only; when a token is wider than the width the font shrinks (down to
   * `minSize`) until it fits, and only a token wider than that is cut, each cut marked with CONTINUATION.
   */
  set(text: string, width: number, s: TextStyle, opts: { minSize?: number; lineGap?: number } = {}): SetText {
    const safe = this.safe(text, s);
    let size = s.size;
    let w = this.wrap(safe, width, s);
    if (w.widestToken > width) {
      const min = Math.min(s.size, opts.minSize ?? MIN_CELL_SIZE);
      size = Math.max(min, Math.floor(((s.size * width) / w.widestToken) * 0.98 * 10) / 10);
      w = this.wrap(safe, width, { ...s, size });
    }
    let lines = w.lines;
    if (w.widestToken > width) lines = this.cutWideTokens(lines, width, { ...s, size });
    const lh = this.lineHeight({ ...s, size }) + (opts.lineGap ?? 0);
    return { lines, size, height: lines.length * lh };
  }

  /** Lines whose single token is wider than the width, cut at the width with a visible continuation mark. */
  private cutWideTokens(lines: string[], width: number, s: TextStyle): string[] {
    const m = this.measure(s);
    const out: string[] = [];
    for (const line of lines) {
      if (m(line) <= width) {
        out.push(line);
        continue;
      }
      let rest = [...line];
      while (rest.length > 0) {
        let n = rest.length;
        while (n > 1 && m(`${rest.slice(0, n).join('')}${CONTINUATION}`) > width) n--;
        const last = n >= rest.length;
        out.push(last ? rest.join('') : `${rest.slice(0, n).join('')}${CONTINUATION}`);
        rest = rest.slice(n);
      }
    }
    return out;
  }

  /** Draws set-out lines from (x, y), each on its own (pdfkit never wraps them again). Returns the height used. */
  drawSet(t: SetText, x: number, y: number, width: number, s: TextStyle, align: Align = 'left', lineGap = 0): number {
    const style = { ...s, size: t.size };
    this.style(style);
    const lh = this.doc.currentLineHeight(true) + lineGap;
    let yy = y;
    for (const line of t.lines) {
      let xx = x;
      if (align !== 'left') {
        const lw = this.doc.widthOfString(line);
        xx = align === 'right' ? x + width - lw : x + (width - lw) / 2;
      }
      this.doc.text(line, xx, yy, { lineBreak: false });
      yy += lh;
    }
    this.doc.x = this.left;
    return yy - y;
  }

  /** Text at the current position across `width`, breaking pages between lines when it runs past the page foot. */
  flow(text: string, s: TextStyle, opts: { indent?: number; width?: number; lineGap?: number } = {}): void {
    const x = this.left + (opts.indent ?? 0);
    const width = opts.width ?? this.width - (opts.indent ?? 0);
    const lineGap = opts.lineGap ?? 1.5;
    // Prose keeps its size: a token wider than the whole width (a pathological id) is cut with a visible mark.
    const t = this.set(text, width, s, { lineGap, minSize: s.size });
    const lh = t.height / Math.max(1, t.lines.length);
    // A short text moves whole to the next page; a long one flows across pages line by line.
    if (t.height < this.bottom - this.top) this.ensure(t.height);
    for (const line of t.lines) {
      this.ensure(lh);
      this.drawSet({ lines: [line], size: t.size, height: lh }, x, this.doc.y, width, s, 'left', lineGap);
      this.doc.y += lh;
    }
  }

  /** A numbered section that starts a page and enters the contents and the PDF outline. */
  section(title: string): void {
    if (this.doc.y > this.top + 1) this.newPage();
    this.toc.push({ title, page: this.pageIndex, level: 0 });
    this.doc.outline.addItem(title);
    const s = { size: 16, bold: true, color: COLOR.navy };
    const t = this.set(title, this.width, s);
    this.drawSet(t, this.left, this.doc.y, this.width, s);
    const y = this.doc.y + t.height + 3;
    this.doc.moveTo(this.left, y).lineTo(this.right, y).lineWidth(1.2).strokeColor(COLOR.navy).stroke();
    this.doc.y = y + 10;
  }

  /** Height a heading takes. */
  headingHeight(title: string, size = 11.5): number {
    return this.set(title, this.width, { size, bold: true }).height + 7;
  }

  /** A heading kept on the page with the `keepWith` points of content that follow it. */
  heading(title: string, size = 11.5, keepWith = 70): void {
    const s = { size, bold: true, color: COLOR.navy };
    const t = this.set(title, this.width, s);
    this.ensure(t.height + 7 + keepWith);
    this.gap(4);
    this.drawSet(t, this.left, this.doc.y, this.width, s);
    this.doc.y += t.height;
    this.gap(3);
  }

  /** Height of a paragraph. */
  paraHeight(text: string, opts: { size?: number; bold?: boolean; indent?: number } = {}): number {
    const s = { size: opts.size ?? 9, bold: opts.bold ?? false };
    return this.set(text, this.width - (opts.indent ?? 0), s, { lineGap: 1.5, minSize: s.size }).height + 4;
  }

  para(text: string, opts: { size?: number; color?: string; bold?: boolean; indent?: number } = {}): void {
    const s = { size: opts.size ?? 9, bold: opts.bold ?? false, color: opts.color ?? COLOR.ink };
    this.flow(text, s, { indent: opts.indent });
    this.gap(4);
  }

  #keyValueRows(rows: readonly KeyValue[], labelWidth: number, size: number) {
    return rows.map(([k, v, mono]) => {
      const label = this.set(k, labelWidth - 8, { size, bold: true });
      const value = this.set(v, this.width - labelWidth, { size, mono });
      return { label, value, mono, h: Math.max(label.height, value.height) + 3 };
    });
  }

  keyValuesHeight(rows: readonly KeyValue[], labelWidth = 150, size = 9): number {
    return this.#keyValueRows(rows, labelWidth, size).reduce((s, r) => s + r.h, 0) + 3;
  }

  /** Label/value lines in two columns; a third element `true` sets the value in the monospace face. */
  keyValues(rows: readonly KeyValue[], labelWidth = 150, size = 9): void {
    for (const r of this.#keyValueRows(rows, labelWidth, size)) {
      this.ensure(r.h);
      const y = this.doc.y;
      this.drawSet(r.label, this.left, y, labelWidth - 8, { size, bold: true, color: COLOR.muted });
      this.drawSet(r.value, this.left + labelWidth, y, this.width - labelWidth, { size, mono: r.mono });
      this.doc.y = y + r.h;
    }
    this.doc.x = this.left;
    this.gap(3);
  }

  #layoutTable(columns: Column[], rows: Row[], opts: TableOptions) {
    const size = opts.fontSize ?? 7.5;
    const indent = opts.indent ?? 0;
    const left = this.left + indent;
    const width = this.width - indent;
    const widths = opts.auto
      ? this.#autoColumnWidths(columns, rows, size, width)
      : columns.map((c) => (c.width / columns.reduce((s, x) => s + x.width, 0)) * width);
    const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const headerStyle = { size, bold: true, color: opts.light ? COLOR.navy : COLOR.white };
    const headers = columns.map((c, i) => this.set(c.header, widths[i]! - 2 * PAD, headerStyle));
    const headerH = Math.max(...headers.map((h) => h.height)) + 2 * PAD;
    const maxRowH = this.bottom - this.top - headerH - 20;
    const cellStyle = (row: Row, i: number): TextStyle => ({
      size,
      bold: row.bold ?? row.span ?? false,
      mono: !row.span && (columns[i]?.mono ?? false),
      color: row.colors?.[i] ?? COLOR.ink,
    });
    const laid = rows.map((row) => {
      const cellWidths = row.span ? [width] : widths;
      const cells = row.cells.slice(0, cellWidths.length).map((t, i) => {
        const set = this.set(t, cellWidths[i]! - 2 * PAD, cellStyle(row, i));
        return set.height > maxRowH - 2 * PAD ? this.#cut(set, maxRowH - 2 * PAD) : set;
      });
      return { cells, h: Math.max(this.lineHeight({ size }), ...cells.map((c) => c.height)) + 2 * PAD };
    });
    const titleStyle = { size: size + 0.5, bold: true, color: COLOR.navy };
    const title = opts.title === undefined ? undefined : this.set(opts.title, width, titleStyle);
    return { left, width, widths, xs, headerStyle, headers, headerH, cellStyle, laid, titleStyle, title };
  }

  /** Height a whole table takes (if it fits on one page). */
  tableHeight(columns: Column[], rows: Row[], opts: TableOptions = {}): number {
    const t = this.#layoutTable(columns, rows, opts);
    return (t.title ? t.title.height + 2 : 0) + t.headerH + t.laid.reduce((s, r) => s + r.h, 0) + (opts.light ? 5 : 8);
  }

  /** Height the title, header and first `keepRows` rows of a table take (what a heading before it keeps with). */
  tableLeadHeight(columns: Column[], rows: Row[], opts: TableOptions = {}): number {
    const t = this.#layoutTable(columns, rows.slice(0, opts.keepRows ?? 3), opts);
    return (t.title ? t.title.height + 2 : 0) + t.headerH + t.laid.reduce((s, r) => s + r.h, 0) + 2;
  }

  /**
   * A table whose header row repeats on every page it spans; its title (if any), header and first rows are kept on
   * one page. A row never splits across pages; a row taller than a page is cut (with an ellipsis) to fit.
   */
  table(columns: Column[], rows: Row[], opts: TableOptions = {}): void {
    const { doc } = this;
    const zebra = opts.zebra ?? true;
    const t = this.#layoutTable(columns, rows, opts);
    const { left, width, widths, xs, headerH, laid, title, titleStyle } = t;
    const drawHeader = (): void => {
      const y = doc.y;
      doc.rect(left, y, width, headerH).fill(opts.light ? COLOR.band : COLOR.navy);
      columns.forEach((c, i) => {
        this.drawSet(t.headers[i]!, xs[i]! + PAD, y + PAD, widths[i]! - 2 * PAD, t.headerStyle, c.align ?? 'left');
      });
      doc.y = y + headerH;
    };
    const keep = laid.slice(0, opts.keepRows ?? 3).reduce((s, r) => s + r.h, 0);
    this.ensure((title ? title.height + 2 : 0) + headerH + keep + 2);
    if (title) {
      this.drawSet(title, left, doc.y, width, titleStyle);
      doc.y += title.height + 2;
    }
    drawHeader();
    laid.forEach(({ cells, h }, index) => {
      const row = rows[index]!;
      if (doc.y + h > this.bottom) {
        this.newPage();
        if (title) {
          const cont = this.set(`${opts.title} (continued)`, width, titleStyle);
          this.drawSet(cont, left, doc.y, width, titleStyle);
          doc.y += cont.height + 2;
        }
        drawHeader();
      }
      const y = doc.y;
      const fill = row.fill ?? (zebra && index % 2 === 1 ? COLOR.zebra : undefined);
      if (fill) doc.rect(left, y, width, h).fill(fill);
      cells.forEach((cell, i) => {
        const x = row.span ? left : xs[i]!;
        const w = row.span ? width : widths[i]!;
        const align = row.span ? 'left' : (columns[i]?.align ?? 'left');
        this.drawSet(cell, x + PAD, y + PAD, w - 2 * PAD, t.cellStyle(row, i), align);
      });
      doc
        .moveTo(left, y + h)
        .lineTo(left + width, y + h)
        .lineWidth(0.4)
        .strokeColor(COLOR.rule)
        .stroke();
      doc.y = y + h;
    });
    doc.x = this.left;
    this.gap(opts.light ? 5 : 8);
  }

  #cut(t: SetText, maxH: number): SetText {
    const lh = t.height / Math.max(1, t.lines.length);
    const n = Math.max(1, Math.floor(maxH / lh));
    const lines = t.lines.slice(0, n);
    lines[n - 1] = `${lines[n - 1]} …`;
    return { lines, size: t.size, height: n * lh };
  }

  /** Column widths from content: widest token and longest line of each column, header included. */
  #autoColumnWidths(columns: Column[], rows: Row[], size: number, width: number): number[] {
    const minW = columns.map(() => 0);
    const maxW = columns.map(() => 0);
    const note = (i: number, text: string, s: TextStyle): void => {
      const w = this.wrap(this.safe(text, s), 1e6, s);
      minW[i] = Math.max(minW[i]!, Math.min(w.widestToken, width * 0.6) + 2 * PAD);
      maxW[i] = Math.max(maxW[i]!, Math.min(w.widest, width) + 2 * PAD);
    };
    columns.forEach((c, i) => {
      note(i, c.header.split(' ').sort((a, b) => b.length - a.length)[0] ?? '', { size, bold: true });
      maxW[i] = Math.max(maxW[i]!, minW[i]!);
    });
    for (const r of rows) {
      if (r.span) continue;
      r.cells.forEach((t, i) => {
        if (i < columns.length) note(i, t, { size, bold: r.bold, mono: columns[i]?.mono });
      });
    }
    return autoWidths(minW, maxW, width);
  }

  /** Coloured legend squares for the severities, at the current line. */
  severityLegend(y: number): void {
    let x = this.left;
    for (const sev of ['critical', 'high', 'medium', 'low'] as Severity[]) {
      this.doc.rect(x, y + 1, 8, 8).fill(SEVERITY_COLOR[sev]);
      this.font(false, 8, COLOR.ink);
      this.doc.text(sev, x + 11, y, { lineBreak: false });
      x += 11 + this.doc.widthOfString(sev) + 14;
    }
  }

  /** One line of text cut to `width` with an ellipsis (labels, furniture). */
  oneLine(text: string, x: number, y: number, width: number, s: TextStyle, align: Align = 'left'): void {
    const line = fitOneLine(this.safe(text, s), width, this.measure(s));
    this.drawSet({ lines: [line], size: s.size, height: 0 }, x, y, width, s, align);
  }

  /**
   * Horizontal bars, one per label, each stacked by the segments' colours. Returns the height used.
   * Each row: label, segments (value, colour); the total is printed at the bar's end.
   */
  hbarChart(
    rows: { label: string; segments: { value: number; color: string }[] }[],
    opts: { labelWidth?: number; barH?: number; x?: number; width?: number } = {},
  ): void {
    const { doc } = this;
    const x0 = opts.x ?? this.left;
    const width = opts.width ?? this.width;
    const labelW = opts.labelWidth ?? 48;
    const barH = opts.barH ?? 10;
    const step = barH + 4;
    const valueW = 40;
    const areaW = width - labelW - valueW;
    const max = Math.max(1, ...rows.map((r) => r.segments.reduce((s, g) => s + g.value, 0)));
    this.ensure(rows.length * step + 4);
    const startY = doc.y;
    let y = startY;
    for (const r of rows) {
      this.oneLine(r.label, x0, y + (barH - 7.5) / 2, labelW - 4, { size: 7.5 });
      let x = x0 + labelW;
      let total = 0;
      for (const s of r.segments) {
        if (s.value <= 0) continue;
        const w = Math.max(0.8, (s.value / max) * areaW);
        doc.rect(x, y, w, barH).fill(s.color);
        x += w;
        total += s.value;
      }
      this.oneLine(fmtInt(total), x + 3, y + (barH - 7.5) / 2, valueW, { size: 7.5, color: COLOR.muted });
      y += step;
    }
    doc
      .moveTo(x0 + labelW, startY - 2)
      .lineTo(x0 + labelW, y)
      .lineWidth(0.6)
      .strokeColor(COLOR.faint)
      .stroke();
    doc.y = y;
    doc.x = this.left;
  }

  /** Vertical stacked bars over ordered buckets, with a y axis of round ticks. */
  vbarChart(
    buckets: { label: string; segments: { value: number; color: string }[] }[],
    opts: { height?: number; maxLabels?: number; indent?: number } = {},
  ): void {
    const { doc } = this;
    const h = opts.height ?? 150;
    const axisW = 34;
    const labelH = 14;
    this.ensure(h + labelH + 8);
    const top = doc.y + 4;
    const left = this.left + (opts.indent ?? 0);
    const x0 = left + axisW;
    const areaW = this.right - x0;
    const max = Math.max(1, ...buckets.map((b) => b.segments.reduce((s, g) => s + g.value, 0)));
    const step = niceStep(max, h < 80 ? 2 : 5);
    const yMax = Math.ceil(max / step) * step;
    for (let v = 0; v <= yMax; v += step) {
      const y = top + h - (v / yMax) * h;
      doc
        .moveTo(x0, y)
        .lineTo(this.right, y)
        .lineWidth(0.3)
        .strokeColor(v === 0 ? COLOR.muted : COLOR.rule)
        .stroke();
      this.oneLine(fmtInt(v), left, y - 3, axisW - 4, { size: 6.5, color: COLOR.muted }, 'right');
    }
    const n = Math.max(1, buckets.length);
    const slot = areaW / n;
    const barW = Math.max(1, slot * 0.72);
    const every = Math.max(1, Math.ceil(n / (opts.maxLabels ?? 24)));
    buckets.forEach((b, i) => {
      let y = top + h;
      const x = x0 + i * slot + (slot - barW) / 2;
      for (const s of b.segments) {
        if (s.value <= 0) continue;
        const bh = (s.value / yMax) * h;
        y -= bh;
        doc.rect(x, y, barW, bh).fill(s.color);
      }
      if (i % every === 0) {
        this.oneLine(b.label, x0 + i * slot - 10, top + h + 3, slot + 20, { size: 6, color: COLOR.muted }, 'center');
      }
    });
    doc.y = top + h + labelH;
    doc.x = this.left;
  }

  /**
   * Header and "page N of M" footer on every page but the first (which carries its own footer line), each one line
   * whatever the lengths given (cut with an ellipsis). A draft says DRAFT in the footer of every page and across it.
   */
  furniture(headerLeft: string, headerRight: string, footerLeft: string, opts: { draft?: string } = {}): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    const total = range.count;
    for (let i = range.start; i < range.start + total; i++) {
      doc.switchToPage(i);
      const saved = doc.page.margins.bottom;
      // Writing in the margin must not trigger pdfkit's automatic page break.
      doc.page.margins.bottom = 0;
      const w = doc.page.width - doc.page.margins.left - doc.page.margins.right;
      const left = doc.page.margins.left;
      const small = { size: 7, color: COLOR.muted };
      if (opts.draft !== undefined) this.#draftMark(opts.draft);
      if (i > range.start) {
        this.oneLine(headerLeft, left, 28, w * 0.68, small);
        this.oneLine(headerRight, left + w * 0.68, 28, w * 0.32, small, 'right');
        doc
          .moveTo(left, 40)
          .lineTo(left + w, 40)
          .lineWidth(0.4)
          .strokeColor(COLOR.rule)
          .stroke();
      }
      const fy = doc.page.height - 36;
      doc
        .moveTo(left, fy - 6)
        .lineTo(left + w, fy - 6)
        .lineWidth(0.4)
        .strokeColor(COLOR.rule)
        .stroke();
      const page = `Page ${i - range.start + 1} of ${total}`;
      const footer = opts.draft === undefined ? footerLeft : `DRAFT · ${footerLeft}`;
      this.oneLine(footer, left, fy, w * 0.8, opts.draft === undefined ? small : { ...small, color: COLOR.bad });
      this.oneLine(page, left + w * 0.8, fy, w * 0.2, small, 'right');
      doc.page.margins.bottom = saved;
    }
  }

  /** DRAFT across the page, light enough to read through. */
  #draftMark(text: string): void {
    const { doc } = this;
    const cx = doc.page.width / 2;
    const cy = doc.page.height / 2;
    doc.save();
    doc.rotate(-35, { origin: [cx, cy] });
    doc.fillOpacity(0.07);
    this.font(true, 110, COLOR.bad);
    const w = doc.widthOfString(text);
    doc.text(text, cx - w / 2, cy - 55, { lineBreak: false });
    doc.fillOpacity(1);
    doc.restore();
  }
}

/** A label, a value and whether the value is set in the monospace face. */
export type KeyValue = readonly [label: string, value: string, mono?: boolean];

/** A round step (1, 2, 2.5 or 5 × 10^k, integers only) giving about `ticks` intervals up to `max`. */
export function niceStep(max: number, ticks: number): number {
  const raw = Math.max(1, max / ticks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const s = m * mag;
    if (s >= raw && Number.isInteger(s)) return s;
  }
  return 10 * mag;
}
