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

/** A funding of account A on BTC-PERP for the 08:00 interval: 2 long at 50000, rate 0.0001, paying 10. */
export const FUNDING = {
  event: 'funding',
  account_id: 'A',
  symbol: 'BTC-PERP',
  interval_start: '2026-02-12T08:00:00Z',
  position_qty: '2',
  mark_price: '50000',
  rate: '0.0001',
  amount: '-10',
} as const satisfies MarginInput;
