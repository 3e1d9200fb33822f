/**
 * Layout primitives for the PDF reports (pdfkit): headings, paragraphs, tables that repeat their header on every page
 * and never overflow one, vector bar charts, and "page N of M" furniture. Everything is drawn from the model only:
 * no dates, no randomness, so the same model gives the same bytes.
 */
import type { Severity } from '../shared/contract/finding.js';

export const FONT = { regular: 'Report-Regular', bold: 'Report-Bold' } as const;

export const COLOR = {
  ink: '#1d2433',
  muted: '#5b6475',
  faint: '#9aa3b2',
  rule: '#d5dae2',
  navy: '#14305a',
  band: '#eef2f7',
  zebra: '#f7f9fb',
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

export interface Column {
  header: string;
  /** Relative width; columns are scaled to the text width. */
  width: number;
  align?: Align;
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
}

const PAD = 3;

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

export class Layout {
  readonly toc: TocEntry[] = [];

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

  /** A numbered section that starts a page and enters the contents and the PDF outline. */
  section(title: string): void {
    if (this.doc.y > this.top + 1) this.newPage();
    this.toc.push({ title, page: this.pageIndex, level: 0 });
    this.doc.outline.addItem(title);
    this.font(true, 16, COLOR.navy);
    this.doc.text(title, this.left, this.doc.y, { width: this.width });
    const y = this.doc.y + 3;
    this.doc.moveTo(this.left, y).lineTo(this.right, y).lineWidth(1.2).strokeColor(COLOR.navy).stroke();
    this.doc.y = y + 10;
  }

  heading(title: string, size = 11.5, keepWith = 70): void {
    this.ensure(size * 2 + keepWith);
    this.gap(4);
    this.font(true, size, COLOR.navy);
    this.doc.text(title, this.left, this.doc.y, { width: this.width });
    this.gap(3);
  }

  para(text: string, opts: { size?: number; color?: string; bold?: boolean; indent?: number } = {}): void {
    const size = opts.size ?? 9;
    this.font(opts.bold ?? false, size, opts.color ?? COLOR.ink);
    const width = this.width - (opts.indent ?? 0);
    const h = this.doc.heightOfString(text, { width, lineGap: 1.5 });
    // A paragraph longer than a page flows across pages; a short one moves whole to the next page.
    if (h < this.bottom - this.top) this.ensure(h);
    this.doc.text(text, this.left + (opts.indent ?? 0), this.doc.y, { width, lineGap: 1.5 });
    this.gap(4);
  }

  /** Label/value lines in two columns. */
  keyValues(rows: [string, string][], labelWidth = 150, size = 9): void {
    for (const [k, v] of rows) {
      this.font(false, size);
      const h = Math.max(
        this.doc.heightOfString(v, { width: this.width - labelWidth }),
        this.doc.heightOfString(k, { width: labelWidth - 8 }),
      );
      this.ensure(h + 3);
      const y = this.doc.y;
      this.font(true, size, COLOR.muted);
      this.doc.text(k, this.left, y, { width: labelWidth - 8 });
      this.font(false, size);
      this.doc.text(v, this.left + labelWidth, y, { width: this.width - labelWidth });
      this.doc.y = y + h + 3;
    }
    this.doc.x = this.left;
    this.gap(3);
  }

  /** Longest prefix of `text` (plus an ellipsis) whose height at `width` is within `maxH`. */
  fitText(text: string, width: number, maxH: number): string {
    if (this.doc.heightOfString(text, { width }) <= maxH) return text;
    const chars = [...text];
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.doc.heightOfString(`${chars.slice(0, mid).join('')}…`, { width }) <= maxH) lo = mid;
      else hi = mid - 1;
    }
    return `${chars.slice(0, lo).join('')}…`;
  }

  /**
   * A table whose header row repeats on every page it spans. A row never splits across pages; a row taller than a
   * page is cut (with an ellipsis) to fit, so nothing is drawn outside the page.
   */
  table(columns: Column[], rows: Row[], opts: TableOptions = {}): void {
    const { doc } = this;
    const size = opts.fontSize ?? 7.5;
    const zebra = opts.zebra ?? true;
    const totalRel = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / totalRel) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((s, w) => s + w, 0));

    this.font(true, size);
    const headerH =
      Math.max(...columns.map((c, i) => doc.heightOfString(c.header, { width: widths[i]! - 2 * PAD }))) + 2 * PAD;
    const drawHeader = (): void => {
      const y = doc.y;
      doc.rect(this.left, y, this.width, headerH).fill(COLOR.navy);
      this.font(true, size, COLOR.white);
      columns.forEach((c, i) => {
        doc.text(c.header, xs[i]! + PAD, y + PAD, { width: widths[i]! - 2 * PAD, align: c.align ?? 'left' });
      });
      doc.y = y + headerH;
    };

    const maxRowH = this.bottom - this.top - headerH - 2;
    const layoutRow = (row: Row): { texts: string[]; h: number; spanW: number[] } => {
      this.font(row.bold ?? row.span ?? false, size);
      const cellWidths = row.span ? [this.width] : widths;
      let texts = row.cells.slice(0, cellWidths.length);
      const heights = texts.map((t, i) => doc.heightOfString(t, { width: cellWidths[i]! - 2 * PAD }));
      let h = Math.max(size, ...heights) + 2 * PAD;
      if (h > maxRowH) {
        texts = texts.map((t, i) => this.fitText(t, cellWidths[i]! - 2 * PAD, maxRowH - 2 * PAD));
        h = maxRowH;
      }
      return { texts, h, spanW: cellWidths };
    };

    const first = rows[0] ? layoutRow(rows[0]).h : 0;
    this.ensure(headerH + first + 2);
    drawHeader();
    rows.forEach((row, index) => {
      const { texts, h, spanW } = layoutRow(row);
      if (doc.y + h > this.bottom) {
        this.newPage();
        drawHeader();
      }
      const y = doc.y;
      const fill = row.fill ?? (zebra && index % 2 === 1 ? COLOR.zebra : undefined);
      if (fill) doc.rect(this.left, y, this.width, h).fill(fill);
      texts.forEach((t, i) => {
        this.font(row.bold ?? row.span ?? false, size, row.colors?.[i] ?? COLOR.ink);
        const x = row.span ? this.left : xs[i]!;
        doc.text(t, x + PAD, y + PAD, {
          width: spanW[i]! - 2 * PAD,
          height: h - 2 * PAD + 1,
          ellipsis: true,
          align: row.span ? 'left' : (columns[i]?.align ?? 'left'),
        });
      });
      doc
        .moveTo(this.left, y + h)
        .lineTo(this.right, y + h)
        .lineWidth(0.4)
        .strokeColor(COLOR.rule)
        .stroke();
      doc.y = y + h;
    });
    doc.x = this.left;
    this.gap(8);
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
      this.font(false, 7.5, COLOR.ink);
      doc.text(r.label, x0, y + (barH - 7.5) / 2, { width: labelW - 4, lineBreak: false, ellipsis: true });
      let x = x0 + labelW;
      let total = 0;
      for (const s of r.segments) {
        if (s.value <= 0) continue;
        const w = Math.max(0.8, (s.value / max) * areaW);
        doc.rect(x, y, w, barH).fill(s.color);
        x += w;
        total += s.value;
      }
      this.font(false, 7.5, COLOR.muted);
      doc.text(fmtInt(total), x + 3, y + (barH - 7.5) / 2, { width: valueW, lineBreak: false });
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
    opts: { height?: number; maxLabels?: number } = {},
  ): void {
    const { doc } = this;
    const h = opts.height ?? 150;
    const axisW = 34;
    const labelH = 14;
    this.ensure(h + labelH + 8);
    const top = doc.y + 4;
    const x0 = this.left + axisW;
    const areaW = this.width - axisW;
    const max = Math.max(1, ...buckets.map((b) => b.segments.reduce((s, g) => s + g.value, 0)));
    const step = niceStep(max, 5);
    const yMax = Math.ceil(max / step) * step;
    for (let v = 0; v <= yMax; v += step) {
      const y = top + h - (v / yMax) * h;
      doc
        .moveTo(x0, y)
        .lineTo(this.right, y)
        .lineWidth(0.3)
        .strokeColor(v === 0 ? COLOR.muted : COLOR.rule)
        .stroke();
      this.font(false, 6.5, COLOR.muted);
      doc.text(fmtInt(v), this.left, y - 3, { width: axisW - 4, align: 'right', lineBreak: false });
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
        this.font(false, 6, COLOR.muted);
        doc.text(b.label, x0 + i * slot - 10, top + h + 3, { width: slot + 20, align: 'center', lineBreak: false });
      }
    });
    doc.y = top + h + labelH;
    doc.x = this.left;
  }

  /** Header and "page N of M" footer on every page but the first (which carries its own footer line). */
  furniture(headerLeft: string, headerRight: string, footerLeft: string): void {
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
      if (i > range.start) {
        this.font(false, 7, COLOR.muted);
        doc.text(headerLeft, left, 28, { width: w * 0.72, lineBreak: false, ellipsis: true });
        doc.text(headerRight, left + w * 0.72, 28, { width: w * 0.28, align: 'right', lineBreak: false });
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
      this.font(false, 7, COLOR.muted);
      doc.text(footerLeft, left, fy, { width: w * 0.75, lineBreak: false, ellipsis: true });
      doc.text(`Page ${i - range.start + 1} of ${total}`, left + w * 0.75, fy, {
        width: w * 0.25,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins.bottom = saved;
    }
  }
}

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
