/**
 * Streaming writer of one record stream (e.g. `orders/`) into several files, JSONL or CSV, optionally gzipped and
 * shuffled. Memory stays bounded: each file buffers at most one shuffle window and one output chunk.
 *
 * Shuffling is two-level and streaming: every row goes to a random file, and inside each file a bounded window of rows
 * is emitted in random order. Malformed rows (injected DQ-1) are rendered per file format and their final
 * `path:line` is reported back, because only the writer knows where a row lands.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { GeneratorWriteError } from './errors.js';
import type { Rng } from './rng.js';

export type Cell = string | number | boolean | null;
/**
 * `str`: ASCII text that never needs escaping (ids we generate, decimals, timestamps); `text`: may hold any character.
 */
export type ColKind = 'int' | 'str' | 'text' | 'bool';
export type FileFormat = 'jsonl' | 'csv';

export interface StreamSpec {
  name: string;
  columns: readonly string[];
  kinds: readonly ColKind[];
  /** A required column, dropped or blanked to make a "missing field" record. */
  required: number;
  /** A text column used for CSV quote errors. */
  idCol: number;
  /** Column holding `ts`, or -1. */
  tsCol: number;
}

export interface Row {
  cells: Cell[];
  /** Set on injected malformed rows: which malformation (0..3), rendered according to the file's format. */
  bad?: number;
}

export interface StreamWriterOptions {
  root: string;
  spec: StreamSpec;
  /** Index of this stream among all streams, to vary formats and line ends deterministically. */
  streamIndex: number;
  files: number;
  format: 'jsonl' | 'csv' | 'mixed';
  gzip: boolean;
  shuffle: boolean;
  rng: Rng;
  onBadLine: (path: string, line: number) => void;
}

const CHUNK = 1 << 20;
const WINDOW = 512;
const BLOCK = 5000;
const GZIP_LEVEL = 1;

/** Node's Buffer has latin1Write (one byte a char, no encoding work); @types/node does not declare it. */
type ByteChunk = Buffer & { latin1Write(s: string, offset: number): number };
const newChunk = (): ByteChunk => Buffer.allocUnsafe(CHUNK) as ByteChunk;

class FileSink {
  readonly format: FileFormat;
  readonly eol: string;
  readonly omitNulls: boolean;
  private readonly jsonKeys: string[];
  /** Streams without free-text columns hold only ASCII (ids, decimals, timestamps): written byte for byte. */
  private readonly asciiOnly: boolean;
  private readonly keysLength: number;
  /** Output bytes not yet handed to the stream (UTF-8 written in place: no big string ropes to flatten). */
  private chunk = newChunk();
  private pos = 0;
  private line = 0;
  private records = 0;
  readonly window: Row[] = [];
  private out!: Writable;
  private file!: WriteStream;
  private failure: unknown;

  constructor(
    readonly relPath: string,
    private readonly absPath: string,
    private readonly spec: StreamSpec,
    format: FileFormat,
    private readonly gzip: boolean,
    crlf: boolean,
    private readonly bom: boolean,
    omitNulls: boolean,
    private readonly rng: Rng,
    private readonly onBadLine: (path: string, line: number) => void,
  ) {
    this.format = format;
    this.eol = crlf ? '\r\n' : '\n';
    this.omitNulls = omitNulls;
    this.jsonKeys = spec.columns.map((c) => `"${c}":`);
    this.asciiOnly = !spec.kinds.includes('text');
    this.keysLength = this.jsonKeys.reduce((n, k) => n + k.length + 1, 0);
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.absPath), { recursive: true });
    this.file = createWriteStream(this.absPath);
    this.file.on('error', (e) => {
      this.failure = e;
    });
    if (this.gzip) {
      const gz = createGzip({ level: GZIP_LEVEL });
      gz.on('error', (e) => {
        this.failure = e;
      });
      gz.pipe(this.file);
      this.out = gz;
    } else {
      this.out = this.file;
    }
    if (this.bom) this.put('\uFEFF', false);
    if (this.format === 'csv') this.appendLine(this.spec.columns.join(','));
  }

  get count(): number {
    return this.records;
  }

  /** Appends text; generated records are ASCII (one byte a char), anything else goes through UTF-8. */
  private put(text: string, ascii = true): void {
    const max = ascii ? text.length : text.length * 3;
    if (this.pos + max > CHUNK) {
      this.flush();
      if (max > CHUNK) {
        this.out.write(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.pos += ascii ? this.chunk.latin1Write(text, this.pos) : this.chunk.write(text, this.pos);
  }

  private appendLine(text: string): void {
    this.put(text + this.eol);
    this.line++;
  }

  /** Renders one row at the next line; reports its line when the row is an injected malformed one. */
  emit(row: Row): void {
    if (this.rng.next() < 1 / 3000) this.appendLine(this.rng.next() < 0.5 ? '' : '   '); // blank lines are not records
    if (row.bad === undefined && this.asciiOnly) {
      // Hot path: encode straight into the output chunk, no intermediate strings.
      this.encodeRow(row.cells);
      this.line++;
      this.records++;
      return;
    }
    const text = row.bad === undefined ? this.render(row.cells) : this.renderBad(row.cells, row.bad);
    const start = this.line + 1;
    if (row.bad !== undefined) this.onBadLine(this.relPath, start);
    this.put(text + this.eol, this.asciiOnly);
    this.line++;
    // A CSV cell may hold line breaks; the record still starts on `start`, later records move down.
    if (this.format === 'csv' && text.includes('\n')) this.line += text.split('\n').length - 1;
    this.records++;
  }

  private ascii(s: string): void {
    if (s.length > 12) {
      this.pos += this.chunk.latin1Write(s, this.pos);
      return;
    }
    const b = this.chunk;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** One well-formed row of an ASCII-only stream, JSON or CSV, written byte by byte. */
  private encodeRow(cells: Cell[]): void {
    let bound = 16 + this.keysLength;
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      bound += typeof v === 'string' ? v.length + 3 : 24;
    }
    if (this.pos + bound > CHUNK) this.flush();
    const b = this.chunk;
    const kinds = this.spec.kinds;
    const json = this.format === 'jsonl';
    if (json) b[this.pos++] = 123; // {
    let first = true;
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (json) {
        if ((v === null || v === undefined) && this.omitNulls) continue;
        if (!first) b[this.pos++] = 44; // ,
        this.ascii(this.jsonKeys[i] as string);
        if (v === null || v === undefined) this.ascii('null');
        else if (kinds[i] === 'str') {
          b[this.pos++] = 34;
          this.ascii(v as string);
          b[this.pos++] = 34;
        } else this.ascii(String(v));
      } else {
        if (!first) b[this.pos++] = 44;
        if (v !== null && v !== undefined) this.ascii(typeof v === 'string' ? v : String(v));
      }
      first = false;
    }
    if (json) b[this.pos++] = 125; // }
    this.ascii(this.eol);
  }

  private flush(): void {
    if (this.failure !== undefined)
      throw new GeneratorWriteError(`cannot write ${this.relPath}`, this.relPath, { cause: this.failure });
    if (this.pos === 0) return;
    this.out.write(this.chunk.subarray(0, this.pos));
    this.chunk = newChunk();
    this.pos = 0;
  }

  async drain(): Promise<void> {
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.flush();
    const done = once(this.file, 'close');
    this.out.end();
    await done;
    if (this.failure !== undefined)
      throw new GeneratorWriteError(`cannot write ${this.relPath}`, this.relPath, { cause: this.failure });
  }

  private render(cells: Cell[], override?: { col: number; raw: string | null }): string {
    return this.format === 'jsonl' ? this.renderJson(cells, override) : this.renderCsv(cells, override);
  }

  private renderJson(cells: Cell[], override?: { col: number; raw: string | null }): string {
    const kinds = this.spec.kinds;
    let s = '{';
    let first = true;
    for (let i = 0; i < cells.length; i++) {
      let piece: string;
      if (override !== undefined && override.col === i) {
        if (override.raw === null) continue;
        piece = override.raw;
      } else {
        const v = cells[i];
        if (v === null || v === undefined) {
          if (this.omitNulls) continue;
          piece = 'null';
        } else {
          const k = kinds[i];
          if (k === 'int' || k === 'bool') piece = String(v);
          else if (k === 'str') piece = `"${v}"`;
          else piece = JSON.stringify(v);
        }
      }
      s += first ? this.jsonKeys[i] + piece : `,${this.jsonKeys[i]}${piece}`;
      first = false;
    }
    return `${s}}`;
  }

  private renderCsv(cells: Cell[], override?: { col: number; raw: string | null }): string {
    const kinds = this.spec.kinds;
    let s = '';
    for (let i = 0; i < cells.length; i++) {
      let piece: string;
      if (override !== undefined && override.col === i) {
        piece = override.raw ?? '';
      } else {
        const v = cells[i];
        if (v === null || v === undefined) piece = '';
        else if (kinds[i] === 'text') piece = csvEscape(String(v));
        else piece = String(v);
      }
      s += i === 0 ? piece : `,${piece}`;
    }
    return s;
  }

  /**
   * Malformed renderings (DQ-1): JSON 0 truncated, 1 wrong type, 2 missing required field, 3 invalid value;
   * CSV 0 quote inside an unquoted cell, 1 text after a closing quote, 2 too few cells, 3 empty required cell.
   */
  private renderBad(cells: Cell[], variant: number): string {
    const spec = this.spec;
    if (this.format === 'jsonl') {
      switch (variant % 4) {
        case 0: {
          const full = this.renderJson(cells);
          return full.slice(0, Math.max(2, Math.floor(full.length * 0.6)));
        }
        case 1: {
          const k = spec.kinds[0];
          const v = cells[0];
          return this.renderJson(cells, { col: 0, raw: k === 'int' ? `"${String(v)}"` : '7' });
        }
        case 2:
          return this.renderJson(cells, { col: spec.required, raw: null });
        default:
          return spec.tsCol >= 0
            ? this.renderJson(cells, { col: spec.tsCol, raw: '"2026-02-12 25:61:00"' })
            : this.renderJson(cells, { col: spec.required, raw: '"n/a"' });
      }
    }
    switch (variant % 4) {
      case 0: {
        const id = String(cells[spec.idCol] ?? 'x1');
        const cut = Math.max(1, Math.floor(id.length / 2));
        return this.renderCsv(cells, { col: spec.idCol, raw: `${id.slice(0, cut)}"${id.slice(cut)}` });
      }
      case 1:
        return this.renderCsv(cells, { col: spec.idCol, raw: `"${String(cells[spec.idCol] ?? 'x1')}"x` });
      case 2:
        return this.renderCsv(cells.slice(0, -1));
      default:
        return this.renderCsv(cells, { col: spec.required, raw: '' });
    }
  }
}

function csvEscape(s: string): string {
  if (/[",\r\n]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** Writes one record stream into `files` files under `<root>/<stream>/`. */
export class StreamWriter {
  private readonly sinks: FileSink[] = [];
  private written = 0;

  constructor(private readonly o: StreamWriterOptions) {
    const n = Math.max(1, o.files);
    for (let i = 0; i < n; i++) {
      const format: FileFormat =
        o.format === 'mixed' ? ((i + o.streamIndex) % 2 === 0 ? 'jsonl' : 'csv') : o.format === 'csv' ? 'csv' : 'jsonl';
      const ext = `${format}${o.gzip ? '.gz' : ''}`;
      const rel = `${o.spec.name}/part-${String(i + 1).padStart(4, '0')}.${ext}`;
      this.sinks.push(
        new FileSink(
          rel,
          join(o.root, rel),
          o.spec,
          format,
          o.gzip,
          i % 3 === 2,
          (i + o.streamIndex) % 4 === 3,
          i % 2 === 1,
          o.rng.fork(`file-${i}`),
          o.onBadLine,
        ),
      );
    }
  }

  async open(): Promise<void> {
    for (const s of this.sinks) await s.open();
  }

  get files(): string[] {
    return this.sinks.map((s) => s.relPath);
  }

  get count(): number {
    return this.written;
  }

  write(row: Row): void {
    // Rows built for a narrower layout (contract-1 order rows in a contract-2 stream) end with null cells.
    for (let k = row.cells.length; k < this.o.spec.columns.length; k++) row.cells.push(null);
    const n = this.sinks.length;
    const idx = this.o.shuffle ? this.o.rng.int(n) : Math.floor(this.written / BLOCK) % n;
    this.written++;
    const sink = this.sinks[idx] as FileSink;
    if (!this.o.shuffle) {
      sink.emit(row);
      return;
    }
    const w = sink.window;
    if (w.length < WINDOW) {
      w.push(row);
      return;
    }
    const j = this.o.rng.int(WINDOW);
    sink.emit(w[j] as Row);
    w[j] = row;
  }

  async drain(): Promise<void> {
    for (const s of this.sinks) await s.drain();
  }

  async close(): Promise<void> {
    for (const s of this.sinks) {
      if (s.window.length > 0) {
        for (const r of this.o.rng.shuffle(s.window)) s.emit(r);
        s.window.length = 0;
      }
      await s.close();
    }
  }
}
