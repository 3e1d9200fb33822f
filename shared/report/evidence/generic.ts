/**
 * The generic reading of evidence, for anything no family reader knows: scalars as fields, arrays of objects as
 * tables, nested objects as their own field lists. Family readers use it for the keys they do not know, so nothing a
 * check wrote is ever dropped.
 */
import type { EvidenceBlock, EvidenceField } from '../evidenceView.js';

/** Largest table a generic reading shows before saying how many rows it left out. */
const GENERIC_TABLE_ROWS = 20;

/** Keys whose values are identifiers, hashes or instants: shown monospace. */
const MONO_KEY = /(^|_)(id|ids|seq|ts|sha256|hash|digest|file|line|at|from|to|ip|qty|price|amount|value)$/;

export function isMonoKey(key: string): boolean {
  return MONO_KEY.test(key);
}

/** Blocks for the given keys of an object (all keys when `keys` is absent), in the object's key order. */
export function objectBlocks(
  obj: Record<string, unknown>,
  title: string | undefined,
  keys?: ReadonlySet<string>,
): EvidenceBlock[] {
  const fields: EvidenceField[] = [];
  const nested: EvidenceBlock[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || (keys !== undefined && !keys.has(key))) continue;
    if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
      nested.push(tableOf(labelOf(key), value as Record<string, unknown>[]));
    } else if (isPlainObject(value)) {
      nested.push(...objectBlocks(value, labelOf(key)));
    } else {
      fields.push({ label: labelOf(key), value: scalarText(value), mono: isMonoKey(key) });
    }
  }
  const own: EvidenceBlock[] = fields.length > 0 ? [{ kind: 'fields', title, fields }] : [];
  return [...own, ...nested];
}

/** Every key of an evidence value read generically (nothing for a value that is not an object). */
export function genericBlocks(evidence: unknown): EvidenceBlock[] {
  return isPlainObject(evidence) ? objectBlocks(evidence, undefined) : [];
}

export function tableOf(title: string, rows: Record<string, unknown>[]): EvidenceBlock {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const shown = rows.slice(0, GENERIC_TABLE_ROWS);
  return {
    kind: 'table',
    title,
    columns: columns.map(labelOf),
    rows: shown.map((r) => columns.map((c) => scalarText(r[c]))),
    mono: columns.map((c) => isMonoKey(c)),
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

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
