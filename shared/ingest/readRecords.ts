/**
 * Reads one record file of a dataset as a stream: gunzip when `.gz`, text lines (lines.ts), JSONL or CSV records
 * (csv.ts), each validated with the zod schema of its record type. Accepted records are yielded with their file and
 * line; rejected ones go to the quarantine callback (DQ-1) with the reason and their text. The schema is the one of
 * the file's record type under its dataset's contract version (DataFile.contract). A file that cannot be read
 * to its end (truncated or corrupt gzip, bytes that are not UTF-8) keeps the records read before the fault and
 * reports one DQ-1 at the first line not read; the rest of its bytes are still read for the SHA-256 (computed over
 * the bytes as stored, during the same read). Invariant per file: records = accepted + quarantined.
 *
 * JSON objects with a repeated key keep the last value (JSON.parse); a CSV header with a repeated column name
 * likewise keeps the last column's cell.
 *
 * Event records (orders, trades, collateral, access, margin, settlements) first go through the contract-aware fast parser (fastParse.ts),
 * which only accepts; whatever it does not accept runs the plain path (JSON.parse or csvRowToJson, then zod), which
 * accepts or quarantines. `parse: 'plain'` turns the fast parser off (the exactness tests compare both).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { Located } from '../contract/events.js';
import type { RecordType } from '../contract/records.js';
import type { RecordTypeMap } from '../contract/recordsV2.js';
import { CsvParser, isBlank } from './csv.js';
import { csvRowDecoder, type Decoded, jsonLineDecoder, Rejected } from './decode.js';
import { SourceReadError } from './errors.js';
import type { DataFile, FileFormat } from './layout.js';
import { LineSplitter } from './lines.js';
import type { DatasetSource } from './source.js';

export type RecordOf<K extends RecordType> = RecordTypeMap[K];

export interface QuarantineEntry {
  /** Path relative to the dataset root, `/`-separated. */
  file: string;
  line: number;
  record_type: RecordType;
  reason: string;
  /** The record's text as read (capped at RAW_CAP characters); empty when nothing could be read. */
  raw: string;
  /**
   * 'record': a record set aside (counted in FileStats.quarantined). 'file': a problem of the file itself (a read
   * fault, a malformed CSV header, an unsupported format), not a record. Both are DQ-1 findings.
   */
  scope: 'record' | 'file';
}

export interface FileStats {
  path: string;
  record_type: RecordType;
  format: FileFormat;
  /** Bytes as stored (before gunzip) and their SHA-256 (hex). */
  bytes: number;
  sha256: string;
  records: number;
  accepted: number;
  quarantined: number;
  /** Why the file could not be read to its end, or null. */
  fault: string | null;
}

export interface ReadHooks {
  quarantine(entry: QuarantineEntry): void;
  /** Called once when the file has been read to its end (not when the consumer stops early). */
  stats?(stats: FileStats): void;
}

export interface ReadOptions {
  /** 'fast' (default): the contract-aware fast parser first, the plain path for what it does not accept. */
  parse?: 'fast' | 'plain';
  /** Items also carry `kind` (the tag of the ordered streams), so that no one copies each item to add it. */
  kind?: string;
}

/** Re-iterable: every iteration opens and reads the file again (and calls the hooks again). */
export interface RecordReader<T> extends AsyncIterable<Located<T>> {
  readonly file: DataFile;
  batches(): AsyncIterable<Located<T>[]>;
}

/** A record (a JSONL line or a CSV record) longer than this is malformed; its text is not kept. */
export const MAX_RECORD_BYTES = 8 << 20;
/** The raw text kept for a quarantined record (quarantine.jsonl). */
export const RAW_CAP = 64 << 10;
/** Compressed bytes fed to gunzip per step: bounds the text decompressed at once (gzip bombs). */
export const GZ_PIECE = 16 << 10;
/**
 * Records per batch, and bytes fed to the line splitter per step so batches stay near that size. Small batches matter
 * when many files are merged: every file's current batch is alive at once, and records that outlive V8's young
 * generation are promoted and collected by costly full GCs (40 files in 1 MB batches: 3x slower in total).
 */
const BATCH = 512;
const PIECE = 64 << 10;

export function readRecords<K extends RecordType>(
  source: DatasetSource,
  file: DataFile<K>,
  hooks: ReadHooks,
  opts: ReadOptions = {},
): RecordReader<RecordOf<K>> {
  const batches = () => readBatches(source, file, hooks, opts.parse !== 'plain', opts.kind);
  return {
    file,
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

function capRaw(s: string): string {
  return s.length > RAW_CAP ? `${s.slice(0, RAW_CAP)} …(truncated)` : s;
}

async function* readBatches<K extends RecordType>(
  source: DatasetSource,
  file: DataFile<K>,
  hooks: ReadHooks,
  fastPath: boolean,
  kind: string | undefined,
): AsyncGenerator<Located<RecordOf<K>>[]> {
  const type = file.record_type;
  const path = file.path;
  const stats: FileStats = {
    path,
    record_type: type,
    format: file.format,
    bytes: 0,
    sha256: '',
    records: 0,
    accepted: 0,
    quarantined: 0,
    fault: null,
  };
  let batch: Located<RecordOf<K>>[] = [];

  const reject = (line: number, reason: string, raw: string): void => {
    stats.records++;
    stats.quarantined++;
    hooks.quarantine({ file: path, line, record_type: type, reason, raw: capRaw(raw), scope: 'record' });
  };
  const accept =
    kind === undefined
      ? (rec: unknown, line: number): void => {
          stats.records++;
          stats.accepted++;
          batch.push({ rec: rec as RecordOf<K>, file: path, line });
        }
      : (rec: unknown, line: number): void => {
          stats.records++;
          stats.accepted++;
          batch.push({ kind, rec: rec as RecordOf<K>, file: path, line } as Located<RecordOf<K>>);
        };

  let csv: CsvParser | null = null;
  let splitter: LineSplitter;
  if (file.format === 'csv' || file.format === 'csv.gz') {
    // undefined: header not seen yet; null: header malformed, no row can be read.
    let header: string[] | null | undefined;
    let headerLine = 0;
    let decodeRow: ((cells: readonly string[]) => Decoded) | null = null;
    const parser = new CsvParser(
      {
        record(cells, line, raw, error) {
          if (header === undefined) {
            headerLine = line;
            if (cells === null) {
              header = null;
              hooks.quarantine({
                file: path,
                line,
                record_type: type,
                reason: `malformed CSV header (${error}); no row of this file can be read`,
                raw: capRaw(raw),
                scope: 'file',
              });
            } else {
              header = cells;
              decodeRow = csvRowDecoder(file, header, fastPath);
            }
            return;
          }
          if (header === null) return reject(line, `not read: the CSV header (line ${headerLine}) is malformed`, raw);
          if (cells === null) return reject(line, `malformed CSV record: ${error}`, raw);
          if (cells.length !== header.length) {
            return reject(line, `malformed CSV record: ${cells.length} cells, the header has ${header.length}`, raw);
          }
          const d = decodeRow!(cells);
          if (d instanceof Rejected) reject(line, d.reason, raw);
          else accept(d, line);
        },
      },
      { maxRecordChars: MAX_RECORD_BYTES, rawCap: RAW_CAP },
    );
    csv = parser;
    splitter = new LineSplitter(
      {
        line: (text, lineNo, eol) => parser.line(text, lineNo, eol),
        oversized: (prefix, lineNo, quotes, eol) => parser.oversized(prefix, lineNo, quotes, eol),
      },
      { maxLineBytes: MAX_RECORD_BYTES, rawCap: RAW_CAP },
    );
  } else {
    const decodeLine = jsonLineDecoder(file, fastPath);
    splitter = new LineSplitter(
      {
        line(text, lineNo) {
          if (isBlank(text)) return;
          const d = decodeLine(text);
          if (d instanceof Rejected) reject(lineNo, d.reason, text);
          else accept(d, lineNo);
        },
        oversized(prefix, lineNo) {
          reject(lineNo, `record longer than ${MAX_RECORD_BYTES} bytes`, prefix);
        },
      },
      { maxLineBytes: MAX_RECORD_BYTES, rawCap: RAW_CAP },
    );
  }

  const fault = (line: number, what: string, raw: string): void => {
    const pending = csv?.pendingRecordLine ?? null;
    const lost =
      pending !== null && pending < line ? ` (the CSV record that starts on line ${pending} is incomplete)` : '';
    stats.fault = `${what}: the file cannot be read from line ${line} on${lost}`;
    hooks.quarantine({ file: path, line, record_type: type, reason: stats.fault, raw: capRaw(raw), scope: 'file' });
  };

  const hash = createHash('sha256');
  const gz = file.format.endsWith('.gz') ? new GunzipFeeder() : null;
  const raw: Readable = await source.open(path);
  const it = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let decoding = true;
  let finished = false;
  const feed = (text: Buffer): void => {
    if (!splitter.push(text)) {
      decoding = false;
      const f = splitter.fault!;
      fault(f.line, f.reason, f.raw);
    }
  };
  const gzFault = (err: Error): void => {
    decoding = false;
    fault(splitter.linesRead + 1, gzipReason(err), splitter.pendingText());
  };
  try {
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (cause) {
        throw new SourceReadError(path, `cannot read ${path}: ${(cause as Error).message}`, { cause });
      }
      if (r.done) break;
      const chunk = r.value;
      hash.update(chunk);
      stats.bytes += chunk.length;
      if (!decoding) continue;
      if (gz === null) {
        for (let off = 0; off < chunk.length && decoding; off += PIECE) {
          feed(chunk.subarray(off, off + PIECE));
          if (batch.length >= BATCH) {
            yield batch;
            batch = [];
          }
        }
      } else {
        for (let off = 0; off < chunk.length && decoding; off += GZ_PIECE) {
          const outs = await gz.write(chunk.subarray(off, off + GZ_PIECE));
          for (const o of outs) {
            feed(o);
            if (!decoding) break;
          }
          if (decoding && gz.error !== null) gzFault(gz.error);
          if (batch.length >= BATCH) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    finished = true;
    if (decoding && gz !== null) {
      for (const o of await gz.end()) {
        feed(o);
        if (!decoding) break;
      }
      if (decoding && gz.error !== null) gzFault(gz.error);
    }
    if (decoding) {
      if (splitter.end()) csv?.end();
      else {
        const f = splitter.fault!;
        fault(f.line, f.reason, f.raw);
      }
    }
    if (batch.length > 0) yield batch;
    stats.sha256 = hash.digest('hex');
    hooks.stats?.(stats);
  } finally {
    if (!finished) raw.destroy();
    gz?.destroy();
  }
}

/**
 * Drives a gunzip stream chunk by chunk and returns its output. zlib does not call a write's callback when it fails,
 * so the 'error' event ends the step too; the output decompressed before the failure is kept.
 */
export class GunzipFeeder {
  readonly #gz: Gunzip = createGunzip();
  #out: Buffer[] = [];
  error: Error | null = null;

  constructor() {
    this.#gz.on('data', (b: Buffer) => this.#out.push(b));
    this.#gz.on('error', (e: Error) => {
      this.error ??= e;
    });
  }

  write(piece: Buffer): Promise<Buffer[]> {
    return this.#step((done) => this.#gz.write(piece, () => done()));
  }

  end(): Promise<Buffer[]> {
    return this.#step((done) => {
      this.#gz.once('end', done);
      this.#gz.end();
    });
  }

  destroy(): void {
    this.#gz.destroy();
  }

  #step(start: (done: () => void) => void): Promise<Buffer[]> {
    return new Promise((resolve) => {
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        this.#gz.off('error', done);
        const out = this.#out;
        this.#out = [];
        resolve(out);
      };
      if (this.error !== null) return done();
      this.#gz.once('error', done);
      start(done);
    });
  }
}

/** zlib's complaint in plain words. */
function gzipReason(err: Error): string {
  if (/unexpected end of file/i.test(err.message)) return 'the gzip stream is cut short';
  if (/incorrect header check|unknown compression method|not in gzip format/i.test(err.message)) return 'not gzip data';
  return 'the gzip stream is damaged';
}
