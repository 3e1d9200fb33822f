/**
 * What the family readers share: reading labelled fields and tables out of an evidence object by its keys, tolerating
 * partial or unexpected objects. A key a reading names is shown once, where the reading puts it; every other key the
 * check wrote is shown by the generic reading after it, so an unexpected shape loses nothing and crashes nothing.
 */
import type { EvidenceBlock, EvidenceField } from '../evidenceView.js';
import { isMonoKey, isPlainObject, labelOf, objectBlocks, scalarText } from './generic.js';

export type Obj = Record<string, unknown>;

/** One labelled value read from an object. */
export interface FieldSpec {
  label: string;
  /** The keys the value is read from (shown here, never repeated generically). */
  keys: readonly string[];
  /** The value as text; default: the first key's value. Undefined: the field is left out (absent from the evidence). */
  value?: (o: Obj) => string | undefined;
  /** Default true: ids, instants, quantities. Plain words set false. */
  mono?: boolean;
}

/** One column of a table read from a list of objects. */
export interface ColumnSpec {
  label: string;
  keys: readonly string[];
  value?: (o: Obj) => string | undefined;
  mono?: boolean;
}

/** The first key's value as text, or undefined when the object does not have it. */
export function text(o: Obj, key: string): string | undefined {
  return o[key] === undefined ? undefined : scalarText(o[key]);
}

/** `file:line` of a record, or undefined when the object names no file. */
export function fileLine(o: Obj, fileKey = 'file', lineKey = 'line'): string | undefined {
  const file = o[fileKey];
  if (typeof file !== 'string') return undefined;
  const line = o[lineKey];
  return typeof line === 'number' || typeof line === 'string' ? `${file}:${line}` : file;
}

export function yesNo(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : scalarText(v);
}

export function obj(v: unknown): Obj | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** An array of plain objects (possibly empty), or undefined for anything else. */
export function objs(v: unknown): Obj[] | undefined {
  return Array.isArray(v) && v.every(isPlainObject) ? (v as Obj[]) : undefined;
}

function specValue(spec: { keys: readonly string[]; value?: (o: Obj) => string | undefined }, o: Obj) {
  if (spec.value !== undefined) return spec.value(o);
  const key = spec.keys[0];
  return key === undefined ? undefined : text(o, key);
}

/**
 * A fields block of the object's named values, followed by the object's other keys (generic fields in the same block,
 * nested structures as their own blocks). Nothing known and nothing else: no block.
 */
export function fieldsBlocks(title: string | undefined, o: Obj, specs: readonly FieldSpec[]): EvidenceBlock[] {
  const fields: EvidenceField[] = [];
  const used = new Set<string>();
  for (const spec of specs) {
    const value = specValue(spec, o);
    if (value === undefined) continue;
    for (const k of spec.keys) used.add(k);
    fields.push({ label: spec.label, value, mono: spec.mono ?? true });
  }
  const others = new Set(Object.keys(o).filter((k) => !used.has(k) && o[k] !== undefined));
  const scalars = [...others].filter((k) => !isPlainObject(o[k]) && !objs(o[k])?.length);
  for (const k of scalars) fields.push({ label: labelOf(k), value: scalarText(o[k]), mono: isMonoKey(k) });
  const nested = objectBlocks(o, title, new Set([...others].filter((k) => !scalars.includes(k))));
  const own: EvidenceBlock[] = fields.length > 0 ? [{ kind: 'fields', title, fields }] : [];
  return [...own, ...nested];
}

/** A table of the rows' named columns; keys of the rows no column names become extra columns, in first-seen order. */
export function tableBlock(
  title: string,
  rows: readonly Obj[],
  columns: readonly ColumnSpec[],
  note?: string,
): EvidenceBlock {
  const named = new Set(columns.flatMap((c) => c.keys));
  const extra: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!named.has(k) && !extra.includes(k)) extra.push(k);
  return {
    kind: 'table',
    title,
    columns: [...columns.map((c) => c.label), ...extra.map(labelOf)],
    rows: rows.map((r) => [...columns.map((c) => specValue(c, r) ?? '—'), ...extra.map((k) => scalarText(r[k]))]),
    mono: [...columns.map((c) => c.mono ?? true), ...extra.map(isMonoKey)],
    note,
  };
}

/**
 * A finding's evidence object as a reader walks it: each key taken is marked, and `rest()` reads every key not taken
 * generically. Taking a key whose value is not of the expected shape leaves it to `rest()`.
 */
export class Reading {
  readonly #ev: Obj;
  readonly #used = new Set<string>();

  constructor(evidence: unknown) {
    this.#ev = obj(evidence) ?? {};
  }

  get evidence(): Obj {
    return this.#ev;
  }

  /** A nested object, marked as read. */
  obj(key: string): Obj | undefined {
    const v = obj(this.#ev[key]);
    if (v !== undefined) this.#used.add(key);
    return v;
  }

  /** A list of objects, marked as read. */
  rows(key: string): Obj[] | undefined {
    const v = objs(this.#ev[key]);
    if (v !== undefined) this.#used.add(key);
    return v;
  }

  /** Top-level named values as a fields block (only the keys present are marked). */
  fields(title: string | undefined, specs: readonly FieldSpec[]): EvidenceBlock[] {
    const present = specs.filter((s) => specValue(s, this.#ev) !== undefined);
    for (const s of present) for (const k of s.keys) this.#used.add(k);
    const fields = present.map((s) => ({ label: s.label, value: specValue(s, this.#ev)!, mono: s.mono ?? true }));
    return fields.length > 0 ? [{ kind: 'fields', title, fields }] : [];
  }

  /** Marks keys as shown elsewhere (e.g. in a table built from several of them). */
  take(...keys: string[]): void {
    for (const k of keys) if (this.#ev[k] !== undefined) this.#used.add(k);
  }

  /** Every key not read yet, read generically under one title. */
  rest(title = 'Further evidence'): EvidenceBlock[] {
    const keys = new Set(Object.keys(this.#ev).filter((k) => !this.#used.has(k)));
    return keys.size === 0 ? [] : objectBlocks(this.#ev, title, keys);
  }
}

/** "10 of 37 … listed (the check keeps …)" when a list in the evidence is shorter than its count. */
export function shownNote(shown: number, total: unknown, what: string, kept: string): string | undefined {
  return typeof total === 'number' && total > shown ? `${shown} of ${total} ${what} listed (${kept})` : undefined;
}
