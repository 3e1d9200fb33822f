/**
 * Streaming CSV record assembler (RFC 4180 as DATA-CONTRACT states it), fed line by line by the LineSplitter:
 * quoted fields may hold commas, `""` quotes and line breaks (the break is kept as written, LF or CRLF); a record's
 * line is the line it starts on; a quote error (a quote inside an unquoted cell, or a closing quote followed by
 * anything but a comma or the end of the line) makes the record malformed and ends it at the end of that line; an
 * unterminated quoted field makes the rest of the file one malformed record. Hand-written state machine: memory is
 * bounded by maxRecordChars (a longer record is malformed and its content is not kept).
 */

export interface CsvRecordSink {
  /** cells is null when the record is malformed; error then says why. raw: the record's text, capped. */
  record(cells: string[] | null, line: number, raw: string, error: string | null): void;
}

const FIELD_START = 0;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

export class CsvParser {
  readonly #sink: CsvRecordSink;
  readonly #maxRecordChars: number;
  readonly #rawCap: number;
  #inRecord = false;
  #startLine = 0;
  #cells: string[] = [];
  #field = '';
  #state = FIELD_START;
  #raw = '';
  #rawTruncated = false;
  #chars = 0;
  #oversized = false;
  #prevEol = '';

  constructor(sink: CsvRecordSink, opts: { maxRecordChars: number; rawCap: number }) {
    this.#sink = sink;
    this.#maxRecordChars = opts.maxRecordChars;
    this.#rawCap = opts.rawCap;
  }

  /** The line a multi-line record in progress started on, or null. */
  get pendingRecordLine(): number | null {
    return this.#inRecord ? this.#startLine : null;
  }

  line(text: string, lineNo: number, eol: string): void {
    if (!this.#inRecord) {
      if (isBlank(text)) return;
      if (text.indexOf('"') < 0) {
        // Fast path: a line without quotes is one whole record.
        if (text.length > this.#maxRecordChars) {
          this.#sink.record(null, lineNo, this.#cap(text), `record longer than ${this.#maxRecordChars} characters`);
        } else this.#sink.record(text.split(','), lineNo, text, null);
        return;
      }
      this.#begin(lineNo);
    } else {
      // Continuing a quoted field: the line break belongs to the field.
      this.#field += this.#prevEol;
      this.#appendRaw(this.#prevEol);
    }
    this.#appendRaw(text);
    this.#chars += text.length + this.#prevEol.length;
    if (this.#chars > this.#maxRecordChars) this.#oversized = true;
    const error = this.#scan(text);
    if (this.#oversized) {
      // Keep the quote state, drop the content: a too-long record is malformed anyway.
      this.#field = '';
      this.#cells = [];
    }
    if (error !== null) {
      this.#emit(null, `quote error on line ${lineNo}: ${error}`);
      return;
    }
    if (this.#state === QUOTED) {
      this.#prevEol = eol;
      return;
    }
    this.#cells.push(this.#field);
    this.#emit(this.#cells, null);
  }

  /** A line too long to keep: its record is malformed; its quotes (parity) keep the quoted/unquoted state right. */
  oversized(prefix: string, lineNo: number, quotes: number, eol: string): void {
    if (!this.#inRecord) this.#begin(lineNo);
    else this.#appendRaw(this.#prevEol);
    this.#appendRaw(prefix);
    this.#oversized = true;
    this.#field = '';
    this.#cells = [];
    let inQuotes = this.#state === QUOTED;
    if (quotes % 2 === 1) inQuotes = !inQuotes;
    if (inQuotes) {
      this.#state = QUOTED;
      this.#prevEol = eol;
      return;
    }
    this.#emit(null, null);
  }

  /** End of the file: a record still inside a quoted field is one malformed record. */
  end(): void {
    if (this.#inRecord) this.#emit(null, 'unterminated quoted field: the rest of the file is one malformed record');
  }

  #begin(lineNo: number): void {
    this.#inRecord = true;
    this.#startLine = lineNo;
    this.#cells = [];
    this.#field = '';
    this.#state = FIELD_START;
    this.#raw = '';
    this.#rawTruncated = false;
    this.#chars = 0;
    this.#oversized = false;
    this.#prevEol = '';
  }

  #emit(cells: string[] | null, error: string | null): void {
    const raw = this.#rawTruncated ? `${this.#raw} …(truncated)` : this.#raw;
    const line = this.#startLine;
    this.#inRecord = false;
    this.#raw = '';
    if (this.#oversized && error === null) error = `record longer than ${this.#maxRecordChars} characters`;
    if (this.#oversized && !error?.startsWith('unterminated')) cells = null;
    this.#oversized = false;
    this.#sink.record(error === null ? cells : null, line, raw, error);
  }

  #appendRaw(s: string): void {
    if (this.#rawTruncated) return;
    if (this.#raw.length + s.length > this.#rawCap) {
      this.#raw += s.slice(0, this.#rawCap - this.#raw.length);
      this.#rawTruncated = true;
    } else this.#raw += s;
  }

  #cap(s: string): string {
    return s.length > this.#rawCap ? `${s.slice(0, this.#rawCap)} …(truncated)` : s;
  }

  /** Scans one line from the current state; returns a quote error, or null. */
  #scan(text: string): string | null {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const state = this.#state;
      if (state === QUOTED) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.#field += text.slice(i);
          return null;
        }
        this.#field += text.slice(i, q);
        i = q + 1;
        this.#state = QUOTE_IN_QUOTED;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        const c = text.charCodeAt(i);
        if (c === 0x22) {
          this.#field += '"';
          this.#state = QUOTED;
          i++;
          continue;
        }
        if (c === 0x2c) {
          this.#cells.push(this.#field);
          this.#field = '';
          this.#state = FIELD_START;
          i++;
          continue;
        }
        return `a closing quote is followed by ${JSON.stringify(text[i])}`;
      }
      // FIELD_START
      if (text.charCodeAt(i) === 0x22) {
        this.#state = QUOTED;
        i++;
        continue;
      }
      let comma = text.indexOf(',', i);
      if (comma < 0) comma = n;
      const cell = text.slice(i, comma);
      if (cell.indexOf('"') >= 0) return 'a quote inside an unquoted cell';
      if (comma < n) {
        this.#cells.push(cell);
        i = comma + 1;
      } else {
        this.#field = cell;
        return null;
      }
    }
    // The line ended right after a comma (an empty last cell) or after a closing quote.
    if (this.#state === FIELD_START) this.#field = '';
    return null;
  }
}

/** DATA-CONTRACT: a line that is empty or only white space is not a record. */
export function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  if (c > 0x20 && c < 0x7f) return false;
  return text.trim().length === 0;
}
