/**
 * Splits a byte stream into text lines (DATA-CONTRACT "Text"): LF or CRLF line ends, a byte-order mark at the start
 * ignored, strict UTF-8. A manual newline scan over Buffers (several times faster than readline); a block of whole
 * lines is validated with one native isUtf8 call and its lines decoded one by one (each its own string), and only a
 * block that fails is re-scanned line by line to find the first line that is not UTF-8. Memory is bounded by the
 * longest line, and a line longer than maxLineBytes is not kept: only its first rawCap bytes are, and it is reported
 * as oversized.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

export interface LineSink {
  /** One line without its line end; `eol` is '\n', '\r\n' or '' (last line of a file without a final line end). */
  line(text: string, lineNo: number, eol: string): void;
  /** A line longer than the limit: its first bytes as text, and how many `"` it holds (CSV quote parity). */
  oversized(prefix: string, lineNo: number, quotes: number, eol: string): void;
}

export interface LineFault {
  line: number;
  reason: string;
  raw: string;
}

const LF = 0x0a;
const QUOTE = 0x22;

function hasBom(b: Buffer): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/**
 * Bytes as text for evidence: valid UTF-8 decoded, each byte that is not part of a valid sequence written `\xNN`
 * (a replacement character would hide which bytes the file holds).
 */
export function bytesAsText(b: Buffer): string {
  const cont = (i: number, lo = 0x80, hi = 0xbf): boolean => i < b.length && b[i]! >= lo && b[i]! <= hi;
  let out = '';
  let start = 0;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    if (c < 0x80) n = 1;
    else if (c >= 0xc2 && c <= 0xdf) n = cont(i + 1) ? 2 : 0;
    else if (c >= 0xe0 && c <= 0xef) {
      n = cont(i + 1, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf) && cont(i + 2) ? 3 : 0;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = cont(i + 1, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    if (n > 0) {
      i += n;
      continue;
    }
    out += `${b.toString('utf8', start, i)}\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    i += 1;
    start = i;
  }
  return out + b.toString('utf8', start);
}

function countQuotes(b: Buffer): number {
  let n = 0;
  let i = b.indexOf(QUOTE);
  while (i >= 0) {
    n++;
    i = b.indexOf(QUOTE, i + 1);
  }
  return n;
}

export class LineSplitter {
  readonly #sink: LineSink;
  readonly #maxLineBytes: number;
  readonly #rawCap: number;
  #carry: Buffer[] = [];
  #carryLen = 0;
  #lineNo = 0;
  #atStart = true;
  #skip: { prefix: Buffer; quotes: number; decoder: TextDecoder } | null = null;
  fault: LineFault | null = null;

  constructor(sink: LineSink, opts: { maxLineBytes: number; rawCap: number }) {
    this.#sink = sink;
    this.#maxLineBytes = opts.maxLineBytes;
    this.#rawCap = opts.rawCap;
  }

  /** Lines completely read and passed on (the next line is linesRead + 1). */
  get linesRead(): number {
    return this.#lineNo;
  }

  /** The text of the incomplete line held back (for the evidence of a fault), at most rawCap bytes. */
  pendingText(): string {
    if (this.#skip !== null) return this.#skip.prefix.toString('utf8');
    let b = Buffer.concat(this.#carry).subarray(0, this.#rawCap);
    if (this.#atStart && hasBom(b)) b = b.subarray(3);
    return b.toString('utf8');
  }

  /** Feeds bytes; false once a fault stopped the reading. */
  push(chunk: Buffer): boolean {
    if (this.fault !== null) return false;
    let start = 0;
    if (this.#skip !== null) {
      const lf = chunk.indexOf(LF);
      if (lf < 0) {
        this.#skipFeed(chunk);
        return this.fault === null;
      }
      this.#skipFeed(chunk.subarray(0, lf));
      if (!this.#finishSkip(true)) return false;
      start = lf + 1;
    }
    if (this.#carryLen > 0) {
      // A line that started in earlier chunks and ends in this one may be over the limit as a whole.
      const firstLf = chunk.indexOf(LF, start);
      if (firstLf >= 0 && this.#carryLen + (firstLf - start) > this.#maxLineBytes) {
        this.#addCarry(chunk.subarray(start, firstLf));
        if (this.fault !== null || !this.#finishSkip(true)) return false;
        start = firstLf + 1;
      }
    }
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf < start) {
      this.#addCarry(chunk.subarray(start));
      return this.fault === null;
    }
    let block = chunk.subarray(start, lastLf + 1);
    if (this.#carryLen > 0) {
      this.#carry.push(block);
      block = Buffer.concat(this.#carry);
      this.#carry = [];
      this.#carryLen = 0;
    }
    if (!this.#emitBlock(block)) return false;
    this.#addCarry(chunk.subarray(lastLf + 1));
    return this.fault === null;
  }

  /** The stream ended normally: the last line without a line end is a line too. */
  end(): boolean {
    if (this.fault !== null) return false;
    if (this.#skip !== null) return this.#finishSkip(false);
    if (this.#carryLen === 0) return true;
    let b = Buffer.concat(this.#carry);
    this.#carry = [];
    this.#carryLen = 0;
    if (this.#atStart) {
      this.#atStart = false;
      if (hasBom(b)) b = b.subarray(3);
    }
    if (!isUtf8(b)) return this.#utf8Fault(b);
    let text = b.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.#lineNo++;
    this.#sink.line(text, this.#lineNo, '');
    return true;
  }

  #addCarry(b: Buffer): void {
    if (b.length === 0) return;
    this.#carry.push(b);
    this.#carryLen += b.length;
    if (this.#carryLen > this.#maxLineBytes) {
      let all = Buffer.concat(this.#carry);
      this.#carry = [];
      this.#carryLen = 0;
      if (this.#atStart && hasBom(all)) all = all.subarray(3);
      this.#atStart = false;
      this.#skip = {
        prefix: Buffer.from(all.subarray(0, this.#rawCap)),
        quotes: 0,
        decoder: new TextDecoder('utf-8', { fatal: true }),
      };
      this.#skipFeed(all);
    }
  }

  #skipFeed(b: Buffer): void {
    const s = this.#skip!;
    s.quotes += countQuotes(b);
    try {
      s.decoder.decode(b, { stream: true });
    } catch {
      this.#skip = null;
      this.fault = { line: this.#lineNo + 1, reason: 'bytes that are not UTF-8', raw: bytesAsText(s.prefix) };
    }
  }

  #finishSkip(hadLf: boolean): boolean {
    const s = this.#skip!;
    this.#skip = null;
    try {
      s.decoder.decode();
    } catch {
      this.fault = { line: this.#lineNo + 1, reason: 'bytes that are not UTF-8', raw: bytesAsText(s.prefix) };
      return false;
    }
    this.#lineNo++;
    this.#sink.oversized(s.prefix.toString('utf8'), this.#lineNo, s.quotes, hadLf ? '\n' : '');
    return true;
  }

  #emitBlock(block: Buffer): boolean {
    if (this.#atStart) {
      this.#atStart = false;
      if (hasBom(block)) block = block.subarray(3);
    }
    if (!isUtf8(block)) return this.#emitBlockSlow(block);
    // Each line is decoded on its own rather than sliced from one decoded block: V8 substrings of 13 characters or
    // more point into their parent string, so a record kept by the replay (an open order) would keep its whole
    // block alive. Measured: 3x less heap retained by the replay of 1M orders, at the same speed.
    const sink = this.#sink;
    let pos = 0;
    const n = block.length;
    while (pos < n) {
      const nl = block.indexOf(LF, pos);
      const end = nl < 0 ? n : nl;
      let lineEnd = end;
      let eol = '\n';
      if (lineEnd > pos && block[lineEnd - 1] === 0x0d) {
        lineEnd--;
        eol = '\r\n';
      }
      this.#lineNo++;
      sink.line(block.toString('utf8', pos, lineEnd), this.#lineNo, eol);
      pos = end + 1;
    }
    return true;
  }

  /** A block with bytes that are not UTF-8: pass on the lines before the first bad line, then fault there. */
  #emitBlockSlow(block: Buffer): boolean {
    let pos = 0;
    while (pos < block.length) {
      const nl = block.indexOf(LF, pos);
      const end = nl < 0 ? block.length : nl;
      const lineBuf = block.subarray(pos, end);
      if (!isUtf8(lineBuf)) return this.#utf8Fault(lineBuf);
      let text = lineBuf.toString('utf8');
      let eol = '\n';
      if (text.endsWith('\r')) {
        text = text.slice(0, -1);
        eol = '\r\n';
      }
      this.#lineNo++;
      this.#sink.line(text, this.#lineNo, eol);
      pos = end + 1;
    }
    return true;
  }

  #utf8Fault(lineBuf: Buffer): false {
    this.fault = {
      line: this.#lineNo + 1,
      reason: 'bytes that are not UTF-8',
      raw: bytesAsText(lineBuf.subarray(0, this.#rawCap)),
    };
    return false;
  }
}

/** Line feeds in `b` (one native search per line): a file's line count, for estimates such as progress totals. */
export function countLineFeeds(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}
