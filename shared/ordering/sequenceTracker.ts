/**
 * DQ-2 (a seq appears more than once in its sequence) and DQ-4 (a gap between the lowest and highest seq), for the
 * orders+trades sequence, the collateral sequence and (contract 2) the margin and settlements sequences. Fed every
 * accepted record's seq in order (after DQ-1: a record set aside is not part of the dataset, so its seq can show as a
 * gap). Why: a review is only as complete as
 * its population; a duplicated or missing sequence number means records were altered or lost.
 *
 * Subjects: DQ-2 `<stream>:<seq>`, one finding per duplicated seq (with how many times it appears); DQ-4
 * `<stream>:<from>-<to>`, one finding per gap, inclusive, so a single missing seq n is `<stream>:n-n`.
 * Population: both checks count every seq examined; a sequence with no record at all is "not tested".
 */
import type { AuditSink } from '../contract/finding.js';
import type { EVENT_STREAMS } from '../contract/streams.js';
import { OrderingError } from './errors.js';

/** The streams that carry a seq of their own. */
export type SequenceStream = Extract<(typeof EVENT_STREAMS)[number], { sequenced: true }>['name'];
/** Why a sequence without any record is not tested. */
const NO_RECORDS: Record<SequenceStream, string> = {
  'orders+trades': 'no order or trade records',
  collateral: 'no collateral records',
  margin: 'no margin records',
  settlements: 'no settlement records',
};

export interface SeqOrigin {
  file: string;
  line: number;
  ts?: string | null;
}

const MAX_LOCATIONS = 10;

export class SequenceTracker {
  readonly #stream: SequenceStream;
  readonly #sink: AuditSink;
  #count = 0;
  #prev: number | undefined;
  #prevAt: SeqOrigin | undefined;
  #dupCount = 0;
  #dupAt: SeqOrigin[] = [];

  constructor(stream: SequenceStream, sink: AuditSink) {
    this.#stream = stream;
    this.#sink = sink;
  }

  /** Records examined so far. */
  get examined(): number {
    return this.#count;
  }

  /** The next seq of the stream, in non-decreasing order. */
  observe(seq: number, at: SeqOrigin): void {
    this.#count++;
    const prev = this.#prev;
    if (prev !== undefined) {
      if (seq < prev) {
        throw new OrderingError(
          `${this.#stream}: seq ${seq} (${at.file}:${at.line}) observed after ${prev}: not in order`,
        );
      }
      if (seq === prev) {
        if (this.#dupCount === 0) this.#dupAt.push(this.#prevAt!);
        this.#dupCount = this.#dupCount === 0 ? 2 : this.#dupCount + 1;
        if (this.#dupAt.length < MAX_LOCATIONS) this.#dupAt.push(at);
        return;
      }
      this.#flushDuplicate();
      if (seq > prev + 1) this.#reportGap(prev, seq, at);
    }
    this.#prev = seq;
    this.#prevAt = at;
  }

  /** After the last seq: reports a pending duplicate and the population. */
  finish(): void {
    this.#flushDuplicate();
    if (this.#count === 0) {
      const reason = NO_RECORDS[this.#stream];
      // The population is sequence numbers: an empty stream has none to count, only the reason.
      this.#sink.notTested('DQ-2', reason, 0);
      this.#sink.notTested('DQ-4', reason, 0);
      return;
    }
    this.#sink.examined('DQ-2', this.#count);
    this.#sink.examined('DQ-4', this.#count);
  }

  #flushDuplicate(): void {
    if (this.#dupCount === 0) return;
    const seq = this.#prev!;
    const first = this.#dupAt[0]!;
    const where = this.#dupAt.map((a) => `${a.file}:${a.line}`);
    this.#sink.report({
      check_id: 'DQ-2',
      severity: 'high',
      subject: `${this.#stream}:${seq}`,
      seq,
      ts: first.ts ?? null,
      title: `Sequence number ${seq} appears ${this.#dupCount} times in the ${this.#stream} sequence`,
      detail: `Seq ${seq} of the ${this.#stream} sequence appears ${this.#dupCount} times (${where.join(', ')}${this.#dupCount > where.length ? ', …' : ''}); each seq must be unique. All of these records were processed, ordered by file path and line.`,
      evidence: {
        stream: this.#stream,
        seq,
        occurrences: this.#dupCount,
        records: this.#dupAt.map((a) => ({ file: a.file, line: a.line, ts: a.ts ?? null })),
      },
    });
    this.#dupCount = 0;
    this.#dupAt = [];
  }

  #reportGap(prev: number, next: number, at: SeqOrigin): void {
    const from = prev + 1;
    const to = next - 1;
    const missing = to - from + 1;
    const before = this.#prevAt!;
    this.#sink.report({
      check_id: 'DQ-4',
      severity: 'high',
      subject: `${this.#stream}:${from}-${to}`,
      seq: from,
      ts: before.ts ?? null,
      title:
        missing === 1
          ? `Seq ${from} is missing from the ${this.#stream} sequence`
          : `Seqs ${from} to ${to} are missing from the ${this.#stream} sequence`,
      detail: `The ${this.#stream} sequence jumps from seq ${prev} (${before.file}:${before.line}) to seq ${next} (${at.file}:${at.line}): ${missing} sequence number${missing === 1 ? ' is' : 's are'} missing (${from} to ${to} inclusive), so records may have been lost or set aside.`,
      evidence: {
        stream: this.#stream,
        from,
        to,
        missing,
        before: { seq: prev, file: before.file, line: before.line },
        after: { seq: next, file: at.file, line: at.line },
      },
    });
  }
}
