/**
 * A finding's evidence as a reader sees it: a short list of blocks (labelled fields, tables, monospace values, plain
 * sentences) built from the structured evidence, never a cut JSON string. Pure: the PDF (templates/) and the web
 * workbench render the same blocks, so both surfaces say the same thing.
 *
 * Family-specific readings (CP blocking orders, NRH movements, MF lots, DQ file:line…) register in
 * EVIDENCE_READERS by check id or family; any evidence without one is read generically: scalars as fields, arrays of
 * objects as tables, nested objects as their own field lists.
 */
import type { Finding, FindingDraft } from '../contract/finding.js';

/** One labelled value. `mono`: an id, hash, timestamp or number shown in a fixed-width face, never broken inside. */
export interface EvidenceField {
  label: string;
  value: string;
  mono?: boolean;
}

export type EvidenceBlock =
  /** Labelled values, one a row. */
  | { kind: 'fields'; title?: string; fields: EvidenceField[] }
  /** A table: every row has one cell per column; `note` says what was left out (e.g. "10 of 37 shown"). */
  | { kind: 'table'; title: string; columns: string[]; rows: string[][]; mono?: boolean[]; note?: string }
  /** A sentence or two of plain text. */
  | { kind: 'text'; text: string }
  /** A long token (a digest, raw record text) shown whole in a monospace block that wraps at fixed widths. */
  | { kind: 'code'; label: string; value: string };

/** What a reader of one family gets: the finding (its check id, subject, severity, evidence). */
export type EvidenceReader = (finding: FindingDraft | Finding) => EvidenceBlock[];

/** Readers by check id (`CP-1`) or family prefix (`CP`); the check id wins. */
export const EVIDENCE_READERS = new Map<string, EvidenceReader>();

export function evidenceView(finding: FindingDraft | Finding): EvidenceBlock[] {
  const family = finding.check_id.split('-')[0] ?? finding.check_id;
  const reader = EVIDENCE_READERS.get(finding.check_id) ?? EVIDENCE_READERS.get(family) ?? genericEvidence;
  return reader(finding);
}

/** Largest table a generic reading shows before saying how many rows it left out. */
const GENERIC_TABLE_ROWS = 20;

/** Keys whose values are identifiers, hashes or instants: shown monospace. */
const MONO_KEY = /(^|_)(id|ids|seq|ts|sha256|hash|digest|file|line|at|from|to|ip|qty|price|amount|value)$/;

/** Any evidence object read without family knowledge. */
export function genericEvidence(finding: FindingDraft | Finding): EvidenceBlock[] {
  return objectBlocks(finding.evidence, undefined);
}

function objectBlocks(obj: Record<string, unknown>, title: string | undefined): EvidenceBlock[] {
  const fields: EvidenceField[] = [];
  const nested: EvidenceBlock[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
      nested.push(tableOf(labelOf(key), value as Record<string, unknown>[]));
    } else if (isPlainObject(value)) {
      nested.push(...objectBlocks(value, labelOf(key)));
    } else {
      fields.push({ label: labelOf(key), value: scalarText(value), mono: MONO_KEY.test(key) });
    }
  }
  const own: EvidenceBlock[] = fields.length > 0 ? [{ kind: 'fields', title, fields }] : [];
  return [...own, ...nested];
}

function tableOf(title: string, rows: Record<string, unknown>[]): EvidenceBlock {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const shown = rows.slice(0, GENERIC_TABLE_ROWS);
  return {
    kind: 'table',
    title,
    columns: columns.map(labelOf),
    rows: shown.map((r) => columns.map((c) => scalarText(r[c]))),
    mono: columns.map((c) => MONO_KEY.test(c)),
    note: rows.length > shown.length ? `${shown.length} of ${rows.length} rows shown` : undefined,
  };
}

/** `maker_order_id` → `maker order id`. */
export function labelOf(key: string): string {
  return key.replace(/_/g, ' ');
}

/** A scalar or small structure as one line of text (null and absent read as an em dash). */
export function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(scalarText).join(', ');
  return JSON.stringify(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
