/**
 * Draws a finding's evidence blocks (shared/report/evidenceView.ts) with the layout primitives: labelled fields as a
 * grid of cells (a value wider than a cell spans several), tables laid out from their content with their title kept
 * on the page with the first rows, plain text, and raw text in a monospace block cut at fixed widths with a visible
 * continuation mark.
 */
import type { EvidenceBlock, EvidenceField } from '../shared/report/evidenceView.js';
import { COLOR, CONTINUATION, fmtInt, type Layout, type SetText, type TextStyle } from './layout.js';
import { wrapFixed } from './textFit.js';

const SIZE = 7;
const LABEL = { size: 5.8, color: COLOR.muted } as const;
const TITLE = { size: 7.2, bold: true, color: COLOR.navy } as const;
/** Grid columns of a fields block: a value spans as many as it needs. */
const UNITS = 5;
const CELL_GAP = 6;
/** Lines of raw text shown before saying how much more there is. */
const CODE_LINES = 24;

export interface BlockOptions {
  indent?: number;
}

interface GridCell {
  label: SetText;
  value: SetText;
  style: TextStyle;
  span: number;
  x: number;
  width: number;
}

/** A fields block laid out as rows of cells (no drawing). */
function gridRows(L: Layout, fields: readonly EvidenceField[], width: number): { cells: GridCell[]; h: number }[] {
  const unit = width / UNITS;
  // First fit: a field goes into the first row with room for it, so short values fill the gaps long ones leave.
  const rows: { cells: GridCell[]; used: number }[] = [];
  for (const f of fields) {
    const style: TextStyle = { size: SIZE, mono: f.mono ?? false };
    const natural = Math.max(
      L.wrap(L.safe(f.value, style), 1e6, style).widest,
      L.wrap(L.safe(f.label, LABEL), 1e6, LABEL).widest,
    );
    const span = Math.min(UNITS, Math.max(1, Math.ceil((natural + CELL_GAP) / unit)));
    let row = rows.find((r) => r.used + span <= UNITS);
    if (row === undefined) {
      row = { cells: [], used: 0 };
      rows.push(row);
    }
    const cellW = span * unit - CELL_GAP;
    row.cells.push({
      label: L.set(f.label, cellW, LABEL),
      value: L.set(f.value, cellW, style),
      style,
      span,
      x: row.used * unit,
      width: cellW,
    });
    row.used += span;
  }
  return rows.map((r) => ({ cells: r.cells, h: Math.max(...r.cells.map((c) => c.label.height + c.value.height)) + 3 }));
}

function fieldsBlock(L: Layout, title: string | undefined, fields: readonly EvidenceField[], indent: number): void {
  const { doc } = L;
  const left = L.left + indent;
  const width = L.width - indent;
  const rows = gridRows(L, fields, width);
  const t = title === undefined ? undefined : L.set(title, width, TITLE);
  L.ensure((t ? t.height + 1 : 0) + (rows[0]?.h ?? 0));
  if (t) {
    L.drawSet(t, left, doc.y, width, TITLE);
    doc.y += t.height + 1;
  }
  for (const r of rows) {
    L.ensure(r.h);
    const y = doc.y;
    for (const c of r.cells) {
      L.drawSet(c.label, left + c.x, y, c.width, LABEL);
      L.drawSet(c.value, left + c.x, y + c.label.height, c.width, c.style);
    }
    doc.y = y + r.h;
  }
  doc.y += 3;
}

function codeBlock(L: Layout, label: string, value: string, indent: number): void {
  const { doc } = L;
  const left = L.left + indent;
  const width = L.width - indent;
  const style: TextStyle = { size: 6.6, mono: true };
  const { shown: lines, all, lh } = codeLines(L, value, width);
  const labelSet = L.set(label, width, LABEL);
  L.ensure(labelSet.height + Math.min(lines.length, 3) * lh + 6);
  L.drawSet(labelSet, left, doc.y, width, LABEL);
  doc.y += labelSet.height + 1;
  let i = 0;
  while (i < lines.length) {
    L.ensure(lh + 4);
    // As many lines as fit on this page, in one shaded box.
    const n = Math.max(1, Math.min(lines.length - i, Math.floor((L.room - 4) / lh)));
    const y = doc.y;
    doc.rect(left, y, width, n * lh + 4).fill(COLOR.code);
    L.drawSet({ lines: lines.slice(i, i + n), size: style.size, height: n * lh }, left + 4, y + 2, width - 8, style);
    doc.y = y + n * lh + 4;
    i += n;
  }
  if (all > lines.length) {
    const shown = lines.reduce((s, l) => s + [...l].length - (l.endsWith(CONTINUATION) ? 1 : 0), 0);
    L.flow(
      `${fmtInt([...value].length - shown)} more characters not shown here; the full text is in the evidence pack.`,
      { size: 6.2, color: COLOR.muted },
      { indent },
    );
  }
  doc.y += 3;
}

/** Draws the blocks from the current position. */
export function drawEvidence(L: Layout, blocks: readonly EvidenceBlock[], opts: BlockOptions = {}): void {
  const indent = opts.indent ?? 0;
  for (const b of blocks) {
    switch (b.kind) {
      case 'fields':
        fieldsBlock(L, b.title, b.fields, indent);
        break;
      case 'table': {
        const t = tableArgs(b, indent);
        L.table(t.columns, t.rows, t.opts);
        if (b.note) {
          L.gap(-3);
          L.flow(b.note, { size: 6.2, color: COLOR.warn }, { indent });
          L.gap(3);
        }
        break;
      }
      case 'text':
        L.flow(b.text, { size: SIZE }, { indent, lineGap: 1 });
        L.gap(3);
        break;
      case 'code':
        codeBlock(L, b.label, b.value, indent);
        break;
    }
  }
}

function tableArgs(b: Extract<EvidenceBlock, { kind: 'table' }>, indent: number) {
  return {
    columns: b.columns.map((header, i) => ({ header, width: 1, mono: b.mono?.[i] ?? false })),
    rows: b.rows.map((cells) => ({ cells })),
    opts: { auto: true, light: true, fontSize: 6.6, title: b.title, indent, zebra: true },
  };
}

function codeLines(L: Layout, value: string, width: number): { shown: string[]; all: number; lh: number } {
  const style: TextStyle = { size: 6.6, mono: true };
  const charW = L.measure(style)('0');
  const perLine = Math.max(8, Math.floor((width - 8) / charW));
  const all = wrapFixed(L.safe(value, style), perLine, CONTINUATION);
  return { shown: all.slice(0, CODE_LINES), all: all.length, lh: L.lineHeight(style) };
}

/** Height all the blocks take (when none is split across pages). */
export function evidenceHeight(L: Layout, blocks: readonly EvidenceBlock[], opts: BlockOptions = {}): number {
  const indent = opts.indent ?? 0;
  const width = L.width - indent;
  let h = 0;
  for (const b of blocks) {
    switch (b.kind) {
      case 'fields':
        h += b.title ? L.set(b.title, width, TITLE).height + 1 : 0;
        h += gridRows(L, b.fields, width).reduce((s, r) => s + r.h, 0) + 3;
        break;
      case 'table': {
        const t = tableArgs(b, indent);
        h += L.tableHeight(t.columns, t.rows, t.opts);
        if (b.note) h += L.set(b.note, width, { size: 6.2 }).height;
        break;
      }
      case 'text':
        h += L.set(b.text, width, { size: SIZE }, { lineGap: 1, minSize: SIZE }).height + 3;
        break;
      case 'code': {
        const c = codeLines(L, b.value, width);
        h += L.lineHeight(LABEL) + 1 + c.shown.length * c.lh + 4 + 3 + (c.all > c.shown.length ? 10 : 0);
        break;
      }
    }
  }
  return h;
}

/** Height the first block needs on the page (its title and first rows): what a finding's header keeps with. */
export function evidenceLeadHeight(L: Layout, blocks: readonly EvidenceBlock[], opts: BlockOptions = {}): number {
  const first = blocks[0];
  if (first === undefined) return 0;
  const width = L.width - (opts.indent ?? 0);
  switch (first.kind) {
    case 'fields': {
      const rows = gridRows(L, first.fields, width);
      return (first.title ? L.lineHeight(TITLE) + 1 : 0) + (rows[0]?.h ?? 0);
    }
    case 'table': {
      const t = tableArgs(first, opts.indent ?? 0);
      return L.tableLeadHeight(t.columns, t.rows, t.opts);
    }
    case 'text':
      return L.set(first.text, width, { size: SIZE }, { lineGap: 1, minSize: SIZE }).height;
    case 'code':
      return L.lineHeight(LABEL) + 3 * L.lineHeight({ size: 6.6, mono: true }) + 6;
  }
}

/** A fields grid on its own (a finding's header facts), at the current position. */
export function drawFields(L: Layout, fields: readonly EvidenceField[], opts: BlockOptions = {}): void {
  fieldsBlock(L, undefined, fields, opts.indent ?? 0);
}

export function fieldsHeight(L: Layout, fields: readonly EvidenceField[], opts: BlockOptions = {}): number {
  return gridRows(L, fields, L.width - (opts.indent ?? 0)).reduce((s, r) => s + r.h, 0) + 3;
}
