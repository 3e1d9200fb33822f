/**
 * DQ-1 reasons are read by reviewers: plain words naming the field and the value, never a library's message, and the
 * same whichever path (fast parser or JSON.parse + schema, JSONL or CSV) decided the record.
 */
import { describe, expect, it } from 'vitest';
import { csvRowDecoder, jsonLineDecoder, Rejected } from '#shared/ingest/decode.js';
import { readOne, VALID } from './helpers.js';

const order = VALID.orders as Record<string, unknown>;
const without = (rec: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(rec).filter(([k]) => k !== key));

function reasonOf(line: string, fast: boolean): string {
  const d = jsonLineDecoder({ record_type: 'orders', contract: 1 }, fast)(line);
  return d instanceof Rejected ? d.reason : 'accepted';
}

const CASES: [record: Record<string, unknown> | string, reason: string][] = [
  [without(order, 'qty'), "missing field qty (a 'new' event needs it)"],
  [without(order, 'order_id'), 'missing field order_id'],
  [{ ...order, account_id: null }, 'missing field account_id'],
  [{ ...order, price: '1,5' }, 'price is not a decimal: 1,5'],
  [{ ...order, price: 1.5 }, 'price is not a decimal string: 1.5 (a JSON number)'],
  [{ ...order, price: '-1' }, 'price is not above zero: -1'],
  [{ ...order, ts: '2026-02-12 03:00:00' }, 'ts is not an RFC 3339 UTC timestamp: 2026-02-12 03:00:00'],
  [{ ...order, event: 'foo' }, 'unknown event: foo'],
  [{ ...order, side: 'BUY' }, 'unknown side: BUY'],
  [{ ...order, seq: -1 }, 'seq is not a whole number from 0 to 2^53 - 1: -1'],
  [{ ...order, seq: '7' }, 'seq is not a whole number: "7"'],
  [{ ...order, mm_tag: 'yes' }, 'mm_tag is not true or false: "yes"'],
  [{ ...order, symbol: '' }, 'symbol is empty'],
  [{ ...order, event: 'snapshot', type: 'market' }, "type is market, but a 'snapshot' must be a limit order"],
  [without(without(order, 'qty'), 'tif'), "missing fields qty, tif (a 'new' event needs them)"],
  [{ ...without(order, 'symbol'), price: 'x' }, 'missing field symbol; price is not a decimal: x'],
  ['[1, 2]', 'not a JSON object but a list'],
  ['{"seq": 1,', 'not valid JSON: the line ends before the JSON does'],
  ['{"seq": 1 "ts"}', 'not valid JSON: it breaks off at character 11'],
];

describe('DQ-1 reasons in plain words', () => {
  it('name the field and the value, the same on the fast and the plain path', () => {
    for (const [record, reason] of CASES) {
      const line = typeof record === 'string' ? record : JSON.stringify(record);
      expect(reasonOf(line, true), line).toBe(reason);
      expect(reasonOf(line, false), line).toBe(reason);
    }
  });

  it('read the same for a CSV row as for its JSON line', () => {
    const header = Object.keys(order);
    const cells = (rec: Record<string, unknown>) => header.map((k) => (rec[k] == null ? '' : String(rec[k])));
    for (const fast of [true, false]) {
      const decode = csvRowDecoder({ record_type: 'orders', contract: 1 }, header, fast);
      const reason = (rec: Record<string, unknown>) => (decode(cells(rec)) as Rejected).reason;
      expect(reason({ ...order, qty: null })).toBe("missing field qty (a 'new' event needs it)");
      expect(reason({ ...order, price: '1,5' })).toBe('price is not a decimal: 1,5');
      expect(reason({ ...order, event: 'foo' })).toBe('unknown event: foo');
      expect(reason({ ...order, mm_tag: 'yes' })).toBe('mm_tag is not true or false: "yes"');
    }
  });

  it('reach quarantine.jsonl as they are', async () => {
    const res = await readOne('collateral/c.jsonl', `${JSON.stringify({ ...VALID.collateral, event: 'pledge' })}\n`);
    expect(res.quarantine.map((q) => q.reason)).toEqual([
      "missing fields from_wallet, loan_id, price, haircut (a 'pledge' event needs them)",
    ]);
  });
});
