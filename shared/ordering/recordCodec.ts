/**
 * The compact form in which the ordered-stream worker (orderedStreamWorker.ts) hands batches of parsed, ordered
 * records to the main thread. Structured cloning of record objects costs the receiver about as much as parsing the
 * text again, so a batch travels as typed arrays (transferred, not copied) plus the strings it needs: every record
 * field is a code (absent, null, false, true, or a string), seq and line are numbers, the file is an index.
 *
 * Strings travel as one array per batch (structured clone copies them once). Interning the repeating ones (symbols,
 * accounts, timestamps) in a table shared by both sides would save the main thread less than it costs the worker
 * (string hashing and comparing), so it is not done.
 *
 * Exactness: the decoder builds each record with the fast parser's own builder (fastParse.ts recordLayout), which
 * gives the keys in the schema's order — the order of every record the reader yields (the fast parser's builders and
 * zod's output both follow the schema; spilled records are read back from their JSON in that order). The encoder
 * checks each value against its field's type and that required and defaulted fields are given; a record that fails
 * (none is expected) travels whole, structured-cloned. Tests: test/ordering/orderedStreamWorker.test.ts and the
 * fast/plain pipeline comparison in test/ingest/fastPathPipeline.test.ts.
 */
import type { Located } from '../contract/events.js';
import type { ContractVersion, RecordType } from '../contract/records.js';
import { type RecordLayout, recordLayout } from '../ingest/fastParse.js';
import { OrderingError } from './errors.js';

/** A tagged item of an ordered stream (what readRecords builds with `kind`). */
export type StreamItem = { kind: string } & Located<Record<string, unknown>>;

/** One batch on the wire. */
export interface EncodedBatch {
  n: number;
  /** Index into the stream's file list, per item. */
  file: Int32Array;
  line: Float64Array;
  seq: Float64Array;
  /** n × slots field codes (slots: the most fields of a record layout of the stream). */
  codes: Int32Array;
  /** The batch's strings (codes ≤ LOCAL index them). */
  local: string[];
  /** Items that travel whole: [index in batch, record]. */
  whole: [number, Record<string, unknown>][];
}

const ABSENT = -1;
const NULL = -2;
const FALSE = -3;
const TRUE = -4;
const LOCAL = -5;
export interface StreamFile {
  path: string;
  record_type: RecordType;
  contract: ContractVersion;
  kind: string;
}

function layoutsOf(files: readonly StreamFile[]): (RecordLayout | null)[] {
  const byType = new Map<string, RecordLayout | null>();
  return files.map((f) => {
    const key = `${f.record_type}@${f.contract}`;
    if (!byType.has(key)) byType.set(key, recordLayout(f.record_type, f.contract));
    return byType.get(key)!;
  });
}

/** Codes per record: the most fields of any layout of the stream (both sides compute it from the same files). */
function slotsOf(layouts: readonly (RecordLayout | null)[]): number {
  return layouts.reduce((n, l) => Math.max(n, l?.names.length ?? 0), 1);
}

/**
 * `(rec, out) => { out[0] = rec["seq"]; out[1] = rec["ts"]; … }` for the layout's field names (fixed strings of
 * fastParse.ts, quoted by JSON.stringify): generated so that each load has its own inline cache.
 */
function fieldReader(names: readonly string[]): (rec: Record<string, unknown>, out: unknown[]) => void {
  const body = names.map((n, k) => `out[${k}] = rec[${JSON.stringify(n)}];`).join('\n');
  return new Function('rec', 'out', body) as (rec: Record<string, unknown>, out: unknown[]) => void;
}

/** Worker side: batches of items to their compact form. */
export class BatchEncoder {
  readonly #fileIndex = new Map<string, number>();
  readonly #layouts: (RecordLayout | null)[];
  /** Per file: copies the record's fields into an array, by name (named loads: fast for the few record shapes). */
  readonly #readers: ((rec: Record<string, unknown>, out: unknown[]) => void)[];
  readonly #slots: number;
  readonly #vals: unknown[];

  constructor(files: readonly StreamFile[]) {
    files.forEach((f, i) => {
      this.#fileIndex.set(f.path, i);
    });
    this.#layouts = layoutsOf(files);
    this.#slots = slotsOf(this.#layouts);
    this.#vals = new Array(this.#slots).fill(undefined);
    const readers = new Map<RecordLayout | null, (rec: Record<string, unknown>, out: unknown[]) => void>();
    this.#readers = this.#layouts.map((l) => {
      let r = readers.get(l);
      if (r === undefined) {
        r = l === null ? () => undefined : fieldReader(l.names);
        readers.set(l, r);
      }
      return r;
    });
  }

  encode(items: readonly StreamItem[]): { batch: EncodedBatch; transfer: ArrayBuffer[] } {
    const n = items.length;
    const file = new Int32Array(n);
    const line = new Float64Array(n);
    const seq = new Float64Array(n);
    const slots = this.#slots;
    const codes = new Int32Array(n * slots);
    const local: string[] = [];
    const whole: [number, Record<string, unknown>][] = [];
    for (let i = 0; i < n; i++) {
      const item = items[i]!;
      const f = this.#fileIndex.get(item.file);
      if (f === undefined) throw new OrderingError(`ordered stream: ${item.file} is not one of the stream's files`);
      file[i] = f;
      line[i] = item.line;
      const layout = this.#layouts[f]!;
      if (layout === null || !this.#encodeRecord(item.rec, layout, f, codes, i * slots, seq, i, local)) {
        whole.push([i, item.rec]);
      }
    }
    return {
      batch: { n, file, line, seq, codes, local, whole },
      transfer: [file.buffer, line.buffer, seq.buffer, codes.buffer] as ArrayBuffer[],
    };
  }

  /**
   * Writes the record's codes; false when it does not have the layout's form (it then travels whole). Records are in
   * the schema's key order (the fast parser's builders and zod's output both follow it), so reading the layout's
   * fields by name and building them again gives the same keys in the same order; a key outside the layout cannot
   * occur (zod strips unknown keys), and values are checked against the field's type.
   */
  #encodeRecord(
    rec: Record<string, unknown>,
    layout: RecordLayout,
    f: number,
    codes: Int32Array,
    base: number,
    seqs: Float64Array,
    i: number,
    local: string[],
  ): boolean {
    const nFields = layout.names.length;
    const v = this.#vals;
    this.#readers[f]!(rec, v);
    const seq = v[0];
    if (typeof seq !== 'number') return false;
    seqs[i] = seq;
    codes[base] = 0;
    // Checked first, so that a record sent whole writes nothing to `local`. (JSON and zod give no undefined
    // value: undefined is an absent key.)
    for (let k = 1; k < nFields; k++) {
      const x = v[k];
      if (x === undefined || x === null) {
        if (layout.required[k] || layout.defaulted[k]) return false;
      } else if (typeof x !== (layout.kinds[k] === 'b' ? 'boolean' : 'string')) return false;
    }
    for (let k = 1; k < nFields; k++) {
      const x = v[k];
      let code: number;
      if (x === undefined) code = ABSENT;
      else if (x === null) code = NULL;
      else if (x === true) code = TRUE;
      else if (x === false) code = FALSE;
      else {
        code = LOCAL - local.length;
        local.push(x as string);
      }
      codes[base + k] = code;
    }
    return true;
  }
}

/** Main-thread side: compact batches back to items equal to the encoded ones. */
export class BatchDecoder {
  readonly #files: readonly StreamFile[];
  readonly #layouts: (RecordLayout | null)[];
  readonly #slots: number;
  readonly #vals: unknown[];

  constructor(files: readonly StreamFile[]) {
    this.#files = files;
    this.#layouts = layoutsOf(files);
    this.#slots = slotsOf(this.#layouts);
    this.#vals = new Array(this.#slots).fill(null);
  }

  decode(b: EncodedBatch): StreamItem[] {
    const { codes, local } = b;
    const vals = this.#vals;
    const out: StreamItem[] = new Array(b.n);
    let w = 0;
    let nextWhole = b.whole.length > 0 ? b.whole[0]![0] : -1;
    for (let i = 0; i < b.n; i++) {
      const file = this.#files[b.file[i]!]!;
      let rec: Record<string, unknown>;
      if (i === nextWhole) {
        rec = b.whole[w]![1];
        w++;
        nextWhole = w < b.whole.length ? b.whole[w]![0] : -1;
      } else {
        const layout = this.#layouts[b.file[i]!]!;
        const base = i * this.#slots;
        const nFields = layout.names.length;
        let present = 1;
        vals[0] = b.seq[i];
        for (let k = 1; k < nFields; k++) {
          const c = codes[base + k]!;
          if (c === ABSENT) continue;
          present |= 1 << k;
          vals[k] = c === NULL ? null : c === TRUE ? true : c === FALSE ? false : local[LOCAL - c];
        }
        rec = layout.build(vals, present);
      }
      out[i] = { kind: file.kind, rec, file: file.path, line: b.line[i]! };
    }
    return out;
  }
}
