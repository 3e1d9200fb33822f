/**
 * Every record set aside (DQ-1), kept for quarantine.jsonl and turned into DQ-1 findings. Sorted by file (byte order)
 * and line at the end, so the pack is the same whatever order the streams were read in. The readers cap each raw
 * text (RAW_CAP), so one huge malformed record cannot exhaust memory.
 */
import { compareUtf8 } from '../contract/byteOrder.js';
import type { QuarantineEntry } from '../ingest/readRecords.js';

export class QuarantineLog {
  readonly #entries: QuarantineEntry[] = [];

  add(q: QuarantineEntry): void {
    this.#entries.push(q);
  }

  get size(): number {
    return this.#entries.length;
  }

  sorted(): QuarantineEntry[] {
    return [...this.#entries].sort((a, b) => compareUtf8(a.file, b.file) || a.line - b.line);
  }
}
