/** Terse, contract-valid margin events for the margin tests (each one goes through the contract-2 schema). */
import { type MarginEvent, marginEventSchema } from '#shared/contract/recordsV2.js';

export type MarginInput = Partial<MarginEvent> & Pick<MarginEvent, 'event'>;

/** One event: seq and event_id default from `seq`, ts one second per seq from 00:00:00Z. */
export function ev(seq: number, e: MarginInput): MarginEvent {
  const ts = `2026-02-12T00:${String(Math.floor(seq / 60) % 60).padStart(2, '0')}:${String(seq % 60).padStart(2, '0')}Z`;
  return marginEventSchema.parse({ seq, ts, event_id: `m-${seq}`, ...e });
}

/** Events numbered from 1 in the order given. */
export function events(...inputs: MarginInput[]): MarginEvent[] {
  return inputs.map((e, i) => ev(i + 1, e));
}
