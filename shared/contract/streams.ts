/**
 * The event streams of the data contract, in the order a run audits them. A stream is the merge of its record folders
 * in (seq, file path, line) order; a sequenced stream has its own unique, gap-free seq, which DQ-2 and DQ-4 judge;
 * `since` is the contract version that brought it (margin and settlements: V2.md). The order flow comes first: the
 * checks of the later streams may read what it established (sessions, routed orders). A new stream is one entry here,
 * its reader in ordering/, its records' hook in checks/rule.ts (HOOK_OF) and, if its rules read a replay of it, that
 * replay in checks/pack.ts (STREAM_REPLAYS).
 */
import type { ContractVersion, RecordType } from './records.js';

export interface EventStreamSpec {
  readonly name: string;
  /** Record folders merged into the stream. */
  readonly records: readonly RecordType[];
  /** A seq of its own, unique and gap-free (DQ-2, DQ-4). */
  readonly sequenced: boolean;
  /** The contract version that brought the stream. */
  readonly since: ContractVersion;
}

export const EVENT_STREAMS = [
  { name: 'orders+trades', records: ['orders', 'trades'], sequenced: true, since: 1 },
  { name: 'collateral', records: ['collateral'], sequenced: true, since: 1 },
  { name: 'access', records: ['access'], sequenced: false, since: 1 },
  { name: 'margin', records: ['margin'], sequenced: true, since: 2 },
  { name: 'settlements', records: ['settlements'], sequenced: true, since: 2 },
] as const satisfies readonly EventStreamSpec[];

export type EventStreamName = (typeof EVENT_STREAMS)[number]['name'];

/** The stream judged a symbol at a time (partitioned by symbol); every other stream is judged whole. */
export const SYMBOL_STREAM = 'orders+trades' satisfies EventStreamName;

/** The streams judged whole. */
export type GlobalStreamName = Exclude<EventStreamName, typeof SYMBOL_STREAM>;

/** Record types that arrive in an event stream. */
export type EventRecordType = (typeof EVENT_STREAMS)[number]['records'][number];

export type EventStream = (typeof EVENT_STREAMS)[number];

/** The streams of a dataset of this contract version, in audit order. */
export function streamsOf(contract: ContractVersion): EventStream[] {
  return EVENT_STREAMS.filter((s) => s.since <= contract);
}

/** The streams judged whole of a dataset of this contract version, in audit order. */
export function globalStreamsOf(contract: ContractVersion): GlobalStreamName[] {
  return streamsOf(contract)
    .map((s) => s.name)
    .filter((n): n is GlobalStreamName => n !== SYMBOL_STREAM);
}

export function streamSpec(name: EventStreamName): EventStream {
  return EVENT_STREAMS.find((s) => s.name === name)!;
}
