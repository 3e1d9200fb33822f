/**
 * Pre-scan of one record file: is it certainly in seq order? Files written by a matching engine usually are, and an
 * in-order file can be merged as it is read (no buffering, no spill to disk, no second parse). The sort must know
 * before it yields anything, because a record found out of order after the merge went past it cannot be taken back.
 *
 * The answer is conservative: true only when the seqs of every record that *could* be accepted never decrease along
 * the file. A line of the common shape — it starts with `{"seq":<digits>` followed by `,` or `}`, holds no backslash
 * and no second `"seq"` — has that seq if it is accepted at all (JSON.parse keeps the last key, and there is only
 * one); such a line counts with that seq (if the reader sets it aside after all, counting it errs on the safe side).
 * Any other line, and a plain line whose seq goes back, goes through the reader's own decision (decode.ts), so a
 * record that will be quarantined is left out and a valid record with another key order counts with its real seq. CSV rows: the seq cell of the row
 * (the last `seq` column, as csvRowToJson keeps it), when the row could be accepted. Framing (BOM, CRLF, quoted
 * line breaks, oversized records, UTF-8 faults) is the reader's own: LineSplitter and CsvParser. On any read or
 * gzip fault the answer is false and the ordinary path (which reports the fault) takes over.
 *
 * The merge re-checks the order as it reads (checkedOrder in sortBySeq.ts): a file that changed in between fails the
 * run instead of being audited out of order.
 */
import type { Readable } from 'node:stream';
import { CsvParser, isBlank } from '../ingest/csv.js';
import { csvRowDecoder, type Decoded, jsonLineDecoder, Rejected } from '../ingest/decode.js';
import type { DataFile } from '../ingest/layout.js';
import { countLineFeeds, LineSplitter } from '../ingest/lines.js';
import { GunzipFeeder, GZ_PIECE, MAX_RECORD_BYTES, RAW_CAP } from '../ingest/readRecords.js';
import type { DatasetSource } from '../ingest/source.js';
import { OrderingError } from './errors.js';

/** Stops the scan as soon as the answer is known to be false (caught inside the scanner, never seen outside). */
class OutOfOrder extends OrderingError {
  override readonly name = 'OutOfOrder';
}

/**
 * The pre-scan of one file fed with its stored bytes as they are read (the hashing read of inputs.ts folds it in, so
 * the file is not read once more for it). `push` returns false once the answer is known to be false (the caller may
 * stop feeding); `end` gives the answer. Gzipped files are decompressed here, a piece at a time.
 */
export interface SeqOrderScanner {
  push(chunk: Buffer): Promise<boolean>;
  end(): Promise<boolean>;
  /** Of a gzipped file: line feeds in the text decompressed so far (its line count once `end` answered true). */
  readonly lineFeeds: number;
  /** Releases the gunzip stream of a scan stopped early. */
  destroy(): void;
}

export interface SeqOrderScanOptions {
  /**
   * false: every line goes through the reader's own decision (no reading of plain lines and rows from their bytes or
   * text). Tests compare the two: for CSV the answers are equal; for JSONL the fast reading can only be stricter.
   */
  fastPaths?: boolean;
}

export function seqOrderScanner(file: DataFile, opts: SeqOrderScanOptions = {}): SeqOrderScanner {
  const fastPaths = opts.fastPaths !== false;
  let last = -1;
  let failed = false;
  const see = (seq: number): void => {
    if (seq < last) throw new OutOfOrder();
    last = seq;
  };
  const seqOf = (d: Decoded): void => {
    if (!(d instanceof Rejected) && typeof d.seq === 'number') see(d.seq);
  };

  const jsonl = file.format === 'jsonl' || file.format === 'jsonl.gz';
  let splitter: LineSplitter | null = null;
  let bytes: JsonlByteScan | null = null;
  let csv: CsvParser | null = null;
  if (!jsonl) {
    let header: string[] | null | undefined;
    let seqCol = -1;
    let decodeRow: ((cells: readonly string[]) => Decoded) | null = null;
    const parser = new CsvParser(
      {
        record(cells) {
          if (header === undefined) {
            header = cells;
            if (cells !== null) {
              seqCol = cells.lastIndexOf('seq');
              decodeRow = csvRowDecoder(file, cells, true);
            }
            return;
          }
          if (header === null || cells === null || cells.length !== header.length || seqCol < 0) return;
          const cell = cells[seqCol]!;
          const seq = cell.length > 0 && cell.length <= 15 && allDigits(cell) ? Number(cell) : -1;
          if (seq >= 0 && seq >= last) last = seq;
          else seqOf(decodeRow!(cells));
        },
      },
      { maxRecordChars: MAX_RECORD_BYTES, rawCap: RAW_CAP },
    );
    csv = parser;
    // A row without quotes, not blank and not too long, outside a multi-line record, is one record whose cells are
    // text.split(',') (CsvParser's own fast path): its cell count and seq cell are read here without the split, which
    // was most of the scan's time. true: the row is settled as the record handler would settle it; false: the parser
    // takes it as before (also a plain row whose seq cell is not plain digits, or goes back).
    const plainRow = (text: string): boolean => {
      if (!fastPaths || header === undefined || header === null || seqCol < 0) return false;
      if (parser.pendingRecordLine !== null) return false;
      const n = text.length;
      if (n === 0 || n > MAX_RECORD_BYTES) return false;
      const c0 = text.charCodeAt(0);
      if (c0 <= 0x20 || c0 >= 0x7f) return false; // possibly blank: isBlank decides
      let cell = 0;
      let seqStart = seqCol === 0 ? 0 : -1;
      let seqEnd = -1;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x22) return false;
        if (c === 0x2c) {
          if (cell === seqCol) seqEnd = i;
          cell++;
          if (cell === seqCol) seqStart = i + 1;
        }
      }
      if (cell + 1 !== header.length) return true; // the record handler sets such a row aside
      if (seqEnd < 0) seqEnd = n;
      const len = seqEnd - seqStart;
      if (len === 0 || len > 15) return false;
      let v = 0;
      for (let i = seqStart; i < seqEnd; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x30 || c > 0x39) return false;
        v = v * 10 + (c - 0x30);
      }
      if (v < last) return false;
      last = v;
      return true;
    };
    splitter = new LineSplitter(
      {
        line: (text, lineNo, eol) => {
          if (!plainRow(text)) parser.line(text, lineNo, eol);
        },
        oversized: (prefix, lineNo, quotes, eol) => parser.oversized(prefix, lineNo, quotes, eol),
      },
      { maxLineBytes: MAX_RECORD_BYTES, rawCap: RAW_CAP },
    );
  } else bytes = new JsonlByteScan(jsonLineDecoder(file, true), fastPaths);

  const gz = file.format.endsWith('.gz') ? new GunzipFeeder() : null;
  let lineFeeds = 0;
  // Decompressed (or plain) bytes; false when out of order or not readable (the ordinary path reports the fault).
  const feed = (text: Buffer): boolean => {
    if (gz !== null) lineFeeds += countLineFeeds(text);
    try {
      if (bytes !== null) bytes.push(text);
      else if (!splitter!.push(text)) return false;
      return true;
    } catch {
      // Out of order (OutOfOrder), or anything unexpected: "not known to be in order" is always safe.
      return false;
    }
  };
  return {
    get lineFeeds() {
      return lineFeeds;
    },
    async push(chunk) {
      if (failed) return false;
      if (gz === null) {
        failed = !feed(chunk);
        return !failed;
      }
      for (let off = 0; off < chunk.length && !failed; off += GZ_PIECE) {
        for (const o of await gz.write(chunk.subarray(off, off + GZ_PIECE))) {
          if (!feed(o)) {
            failed = true;
            break;
          }
        }
        if (gz.error !== null) failed = true;
      }
      if (failed) gz.destroy();
      return !failed;
    },
    async end() {
      if (failed) return false;
      if (gz !== null) {
        for (const o of await gz.end()) {
          if (!feed(o)) {
            failed = true;
            break;
          }
        }
        gz.destroy();
        if (failed || gz.error !== null) return false;
      }
      try {
        if (bytes !== null) bytes.end();
        else if (!splitter!.end()) return false;
        csv?.end();
        return true;
      } catch {
        return false;
      }
    },
    destroy() {
      gz?.destroy();
    },
  };
}

/** The pre-scan as a read of its own (when the hashing read did not do it). */
export async function fileIsInSeqOrder(
  source: DatasetSource,
  file: DataFile,
  opts: SeqOrderScanOptions = {},
): Promise<boolean> {
  const scan = seqOrderScanner(file, opts);
  let raw: Readable | undefined;
  try {
    raw = await source.open(file.path);
    for await (const chunk of raw) if (!(await scan.push(chunk as Buffer))) return false;
    return await scan.end();
  } catch {
    // A read fault: the ordinary path decides (and reports it).
    return false;
  } finally {
    raw?.destroy();
    scan.destroy();
  }
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** `{"seq":` as bytes. */
const SEQ_PREFIX = Buffer.from('{"seq":', 'latin1');
/** `q`: a `"seq"` key ends in the rare `q"` (a `"`-led search would stop at every quote of the line). */
const Q = 0x71;
const LF = 0x0a;
const BACKSLASH = 0x5c;
/** Lines longer than this are set aside by the reader (oversized) whatever they hold (+3: a BOM). */
const SKIP_OVER = MAX_RECORD_BYTES + 3;

/**
 * The seq of the line b[start, end) if it has the common shape (see the module comment), or -1. Works on the bytes
 * themselves (the structure looked at is ASCII; decoding 256 KiB chunks to latin1 text cost ~5 ns per byte, most of
 * the pre-scan). nextBackslash is the position of the next backslash at or after start (b.length when none), kept by
 * the caller so that the searches stay linear over the chunk.
 */
export function simpleSeqAt(b: Buffer, start: number, end: number, nextBackslash: number): number {
  const p = SEQ_PREFIX.length;
  if (end - start <= p) return -1;
  for (let k = 0; k < p; k++) if (b[start + k] !== SEQ_PREFIX[k]) return -1;
  let i = start + p;
  let v = 0;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    i++;
  }
  const digits = i - start - p;
  if (digits === 0 || digits > 15 || i >= end) return -1;
  const after = b[i];
  if (after !== 0x2c && after !== 0x7d) return -1;
  if (nextBackslash < end) return -1;
  // No second "seq" key: every `q"` of the rest of the line (a one-byte search is the cheapest native search).
  for (let q = b.indexOf(Q, i); q >= 0 && q < end; q = b.indexOf(Q, q + 1)) {
    if (b[q + 1] === 0x22 && b[q - 1] === 0x65 && b[q - 2] === 0x73 && b[q - 3] === 0x22) return -1;
  }
  return v;
}

/** simpleSeqAt on one line (tests). */
export function simpleSeq(line: string): number {
  const b = Buffer.from(line, 'utf8');
  const bs = b.indexOf(BACKSLASH);
  return simpleSeqAt(b, 0, b.length, bs < 0 ? b.length : bs);
}

/**
 * JSONL lines straight from the bytes: plain lines are judged without decoding them; the others are decoded and
 * decided like the reader does (BOM at the start of the file, a CR before the LF, blank lines). Bytes that are not
 * UTF-8 are not looked for: the reader stops at them, so nothing after them is accepted and counting more lines only
 * errs on the safe side. Memory: one line held across chunks; an oversized line is skipped, not held.
 */
class JsonlByteScan {
  readonly #decode: (text: string) => Decoded;
  #last = -1;
  #carry: Buffer[] = [];
  #carryLen = 0;
  #skipping = false;
  #first = true;

  readonly #fastPaths: boolean;

  constructor(decode: (text: string) => Decoded, fastPaths: boolean) {
    this.#decode = decode;
    this.#fastPaths = fastPaths;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.#skipping || this.#carryLen > 0) {
      const lf = chunk.indexOf(LF);
      if (lf < 0) {
        this.#hold(chunk);
        return;
      }
      this.#hold(chunk.subarray(0, lf));
      if (!this.#skipping) this.#wholeLine(Buffer.concat(this.#carry));
      this.#carry = [];
      this.#carryLen = 0;
      this.#skipping = false;
      pos = lf + 1;
    }
    const lastLf = chunk.lastIndexOf(LF);
    let nextBs = -1;
    while (pos <= lastLf) {
      const lf = chunk.indexOf(LF, pos);
      if (nextBs < pos) {
        nextBs = chunk.indexOf(BACKSLASH, pos);
        if (nextBs < 0) nextBs = chunk.length;
      }
      this.#line(chunk, pos, lf, nextBs);
      pos = lf + 1;
    }
    if (pos < chunk.length) this.#hold(chunk.subarray(pos));
  }

  end(): void {
    if (this.#carryLen > 0 && !this.#skipping) this.#wholeLine(Buffer.concat(this.#carry));
  }

  #wholeLine(line: Buffer): void {
    const bs = line.indexOf(BACKSLASH);
    this.#line(line, 0, line.length, bs < 0 ? line.length : bs);
  }

  #hold(b: Buffer): void {
    if (this.#skipping || b.length === 0) return;
    this.#carryLen += b.length;
    if (this.#carryLen > SKIP_OVER) {
      this.#skipping = true;
      this.#carry = [];
    } else this.#carry.push(Buffer.from(b));
  }

  /** One line: bytes buf[start, end). */
  #line(buf: Buffer, start: number, end: number, nextBs: number): void {
    const first = this.#first;
    this.#first = false;
    if (end - start > SKIP_OVER) return;
    const seq = first || !this.#fastPaths ? -1 : simpleSeqAt(buf, start, end, nextBs);
    if (seq >= 0 && seq >= this.#last) {
      this.#last = seq;
      return;
    }
    // Decide the line as the reader does; a plain line whose seq goes back may be one it sets aside.
    let text = buf.toString('utf8', start, end);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (isBlank(text)) return;
    const d = this.#decode(text);
    if (d instanceof Rejected || typeof d.seq !== 'number') return;
    if (d.seq < this.#last) throw new OutOfOrder();
    this.#last = d.seq;
  }
}
