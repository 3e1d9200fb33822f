/**
 * The event streams of the data contract, in the order a run audits them. A stream is the merge of its record folders
 * in (seq, file path, line) order; a sequenced stream has its own unique, gap-free seq, which DQ-2 and DQ-4 judge.
 * The order flow comes first: the checks of the later streams may read what it established (sessions, routed orders).
 * A new stream is one entry here (and its reader in ordering/, its hook in checks/rule.ts).
 */
import type { RecordType } from './records.js';

export interface EventStreamSpec {
  readonly name: string;
  /** Record folders merged into the stream, with the hook each record kind is handed to (checks/rule.ts). */
  readonly records: readonly RecordType[];
  /** A seq of its own, unique and gap-free (DQ-2, DQ-4). */
  readonly sequenced: boolean;
}

export const EVENT_STREAMS = [
  { name: 'orders+trades', records: ['orders', 'trades'], sequenced: true },
  { name: 'collateral', records: ['collateral'], sequenced: true },
  { name: 'access', records: ['access'], sequenced: false },
] as const satisfies readonly EventStreamSpec[];

export type EventStreamName = (typeof EVENT_STREAMS)[number]['name'];

/** The streams that can be judged a symbol at a time (partitioned); every other stream is judged whole. */
export const SYMBOL_STREAM = 'orders+trades' satisfies EventStreamName;

/** The streams judged whole, in audit order. */
export type GlobalStreamName = Exclude<EventStreamName, typeof SYMBOL_STREAM>;
export const GLOBAL_STREAMS = EVENT_STREAMS.map((s) => s.name).filter(
  (n): n is GlobalStreamName => n !== SYMBOL_STREAM,
);

/** Record types that arrive in an event stream. */
export type EventRecordType = (typeof EVENT_STREAMS)[number]['records'][number];

/** The stream a record type belongs to. */
export function streamOf(record: EventRecordType): EventStreamName {
  for (const s of EVENT_STREAMS) if ((s.records as readonly string[]).includes(record)) return s.name;
  throw new TypeError(`no event stream carries ${record}`);
}

export function streamSpec(name: EventStreamName): (typeof EVENT_STREAMS)[number] {
  return EVENT_STREAMS.find((s) => s.name === name)!;
}
