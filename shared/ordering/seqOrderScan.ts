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
import { createGunzip } from 'node:zlib';
import type { RecordType } from '../contract/records.js';
import { CsvParser, isBlank } from '../ingest/csv.js';
import { csvRowDecoder, type Decoded, jsonLineDecoder, Rejected } from '../ingest/decode.js';
import type { DataFile } from '../ingest/layout.js';
import { LineSplitter } from '../ingest/lines.js';
import { MAX_RECORD_BYTES, RAW_CAP } from '../ingest/readRecords.js';
import type { DatasetSource } from '../ingest/source.js';

/** Stops the scan as soon as the answer is known to be false. */
class OutOfOrder extends Error {}

export async function fileIsInSeqOrder(source: DatasetSource, file: DataFile): Promise<boolean> {
  const type = file.record_type as RecordType;
  let last = -1;
  const see = (seq: number): void => {
    if (seq < last) throw new OutOfOrder();
    last = seq;
  };
  const seqOf = (d: Decoded): void => {
    if (!(d instanceof Rejected) && typeof d.seq === 'number') see(d.seq);
  };

  let splitter: LineSplitter;
  let csv: CsvParser | null = null;
  if (file.format === 'csv' || file.format === 'csv.gz') {
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
              decodeRow = csvRowDecoder(type, cells, true);
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
    splitter = new LineSplitter(
      {
        line: (text, lineNo, eol) => parser.line(text, lineNo, eol),
        oversized: (prefix, lineNo, quotes, eol) => parser.oversized(prefix, lineNo, quotes, eol),
      },
      { maxLineBytes: MAX_RECORD_BYTES, rawCap: RAW_CAP },
    );
  } else {
    const decodeLine = jsonLineDecoder(type, true);
    splitter = new LineSplitter(
      {
        line(text) {
          const seq = simpleSeq(text);
          // A plain line that goes back in seq may be one the reader sets aside: decide it in full before saying no.
          if (seq >= 0 && seq >= last) last = seq;
          else if (seq >= 0 || !isBlank(text)) seqOf(decodeLine(text));
        },
        oversized() {
          // Set aside by the reader (too long): not a record.
        },
      },
      { maxLineBytes: MAX_RECORD_BYTES, rawCap: RAW_CAP },
    );
  }

  let raw: Readable | undefined;
  let stream: AsyncIterable<Buffer>;
  try {
    raw = await source.open(file.path);
    if (file.format.endsWith('.gz')) {
      const gz = createGunzip();
      raw.on('error', (e) => gz.destroy(e));
      stream = raw.pipe(gz);
    } else stream = raw;
    for await (const chunk of stream) {
      if (!splitter.push(chunk)) return false;
    }
    if (!splitter.end()) return false;
    csv?.end();
    return true;
  } catch {
    // Out of order, or a read/gzip fault: the ordinary path decides (and reports any fault).
    return false;
  } finally {
    raw?.destroy();
    (stream! as Readable | undefined)?.destroy?.();
  }
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

const SEQ_PREFIX = '{"seq":';

/** The seq of a line of the common shape (see the module comment), or -1. */
export function simpleSeq(t: string): number {
  if (!t.startsWith(SEQ_PREFIX)) return -1;
  const n = t.length;
  let i = SEQ_PREFIX.length;
  let v = 0;
  const start = i;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    i++;
  }
  if (i === start || i - start > 15) return -1;
  const after = i < n ? t.charCodeAt(i) : -1;
  if (after !== 0x2c && after !== 0x7d) return -1;
  if (t.indexOf('\\', i) >= 0 || t.indexOf('"seq"', i) >= 0) return -1;
  return v;
}
