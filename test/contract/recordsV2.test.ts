/**
 * The contract-2 schemas (V2.md, and its "Readings fixed" on required fields): margin's fields used per event (an
 * insurance payout also needs account_id and ref), signed and positive amounts, position_qty never 0, every
 * settlements and venues field, the new instrument and order fields, and a routed snapshot failing the contract.
 * Contract 1 keeps reading exactly as before: the same schemas, new fields dropped.
 */
import { describe, expect, it } from 'vitest';
import {
  eventArticle,
  instrumentSchema,
  orderEventSchema,
  RECORD_SCHEMAS,
  recordTypesOf,
} from '#shared/contract/records.js';
import {
  instrumentSchemaV2,
  MARGIN_EVENTS,
  MARGIN_REQUIRED,
  marginEventSchema,
  orderEventSchemaV2,
  RECORD_SCHEMAS_V2,
  schemaFor,
  settlementEventSchema,
  venueSchema,
} from '#shared/contract/recordsV2.js';

const FULL_MARGIN = {
  seq: 1,
  ts: '2026-02-12T00:00:01Z',
  event_id: 'm-1',
  account_id: 'A',
  symbol: 'BTC-PERP',
  asset: 'HKD',
  asset_class: 'fiat',
  amount: '10',
  position_qty: '-2',
  mark_price: '97000',
  rate: '-0.0001',
  interval_start: '2026-02-12T00:00:00Z',
  ref: 'm-0',
};

const reasons = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('margin records', () => {
  for (const event of MARGIN_EVENTS) {
    it(`'${event}': its fields used are required, one by one; the others may be absent or null`, () => {
      const amount = event === 'insurance' ? '5' : FULL_MARGIN.amount;
      const minimal: Record<string, unknown> = { seq: 1, ts: FULL_MARGIN.ts, event_id: 'm-1', event };
      for (const f of MARGIN_REQUIRED[event])
        minimal[f] = f === 'amount' ? amount : FULL_MARGIN[f as keyof typeof FULL_MARGIN];
      expect(reasons(marginEventSchema.safeParse(minimal))).toEqual([]);
      for (const f of MARGIN_REQUIRED[event]) {
        for (const missing of [undefined, null]) {
          const rec = { ...minimal, [f]: missing };
          expect(reasons(marginEventSchema.safeParse(rec)), `${f} ${missing}`).toEqual([
            `${f}: ${eventArticle(event)} '${event}' event needs it`,
          ]);
        }
      }
      for (const seqField of ['seq', 'ts', 'event_id', 'event']) {
        const { [seqField]: _drop, ...rest } = minimal;
        expect(marginEventSchema.safeParse(rest).success, seqField).toBe(false);
      }
    });
  }

  it('insurance: account_id and ref are required only for a payout (amount < 0); 0 and -0 are contributions', () => {
    const ins = { seq: 1, ts: FULL_MARGIN.ts, event_id: 'i', event: 'insurance' };
    for (const amount of ['5', '0', '-0', '-0.00']) {
      expect(reasons(marginEventSchema.safeParse({ ...ins, amount })), amount).toEqual([]);
    }
    expect(reasons(marginEventSchema.safeParse({ ...ins, amount: '-0.01' }))).toEqual([
      "account_id: an 'insurance' event needs it",
      "ref: an 'insurance' event needs it",
    ]);
    expect(reasons(marginEventSchema.safeParse({ ...ins, amount: '-5', account_id: 'A', ref: 'L' }))).toEqual([]);
  });

  it('amounts: signed for pnl, funding, liquidation and insurance (zero included), else > 0', () => {
    for (const event of MARGIN_EVENTS) {
      const rec = { ...FULL_MARGIN, event };
      const signed = ['pnl', 'funding', 'liquidation', 'insurance'].includes(event);
      for (const amount of ['-1', '0', '-0.0', '0.000']) {
        expect(marginEventSchema.safeParse({ ...rec, amount }).success, `${event} ${amount}`).toBe(signed);
      }
      expect(marginEventSchema.safeParse({ ...rec, amount: '0.0001' }).success, event).toBe(true);
      // funding_rate does not use amount, but a present amount must still be a positive decimal.
      expect(marginEventSchema.safeParse({ ...rec, amount: 1 }).success, event).toBe(false);
    }
  });

  it('position_qty is signed and never 0; mark_price > 0; rate signed (zero included); timestamps as the contract’s', () => {
    const rec = { ...FULL_MARGIN, event: 'funding' };
    for (const q of ['0', '-0', '0.000', '-0.0'])
      expect(marginEventSchema.safeParse({ ...rec, position_qty: q }).success, q).toBe(false);
    for (const q of ['1', '-1', '-0.00000001'])
      expect(marginEventSchema.safeParse({ ...rec, position_qty: q }).success, q).toBe(true);
    expect(marginEventSchema.safeParse({ ...rec, mark_price: '0' }).success).toBe(false);
    expect(marginEventSchema.safeParse({ ...rec, mark_price: '-1' }).success).toBe(false);
    for (const r of ['0', '-0.5', '0.5'])
      expect(marginEventSchema.safeParse({ ...rec, rate: r }).success, r).toBe(true);
    expect(marginEventSchema.safeParse({ ...rec, interval_start: '2026-02-12T00:00:00+00:00' }).success).toBe(false);
    expect(marginEventSchema.safeParse({ ...rec, ts: '2026-02-12T00:00:60Z' }).success).toBe(false);
    expect(marginEventSchema.safeParse({ ...rec, asset_class: 'hkma_stablecoin' }).success).toBe(true);
    expect(marginEventSchema.safeParse({ ...rec, asset_class: 'cash' }).success).toBe(false);
    expect(marginEventSchema.safeParse({ ...rec, event: 'transfer' }).success).toBe(false);
  });

  it('keeps the schema’s key order, absent fields absent, and drops unnamed fields', () => {
    const out = marginEventSchema.parse({
      note: 'x',
      ref: null,
      amount: '1',
      event: 'credit',
      account_id: 'A',
      event_id: 'e',
      ts: FULL_MARGIN.ts,
      seq: 3,
    });
    expect(JSON.stringify(out)).toBe(
      '{"seq":3,"ts":"2026-02-12T00:00:01Z","event_id":"e","event":"credit","account_id":"A","amount":"1","ref":null}',
    );
  });
});

describe('settlements and venues', () => {
  const S = {
    seq: 1,
    ts: '2026-02-12T00:00:01Z',
    event_id: 's',
    exec_id: 'x',
    order_id: 'o',
    leg: 'cash',
    qty: '100',
    mechanism: 'free_of_payment',
    batch_id: 'b',
  };

  it('settlements: every field is required; qty > 0; leg and mechanism from their lists', () => {
    expect(settlementEventSchema.safeParse(S).success).toBe(true);
    for (const f of Object.keys(S)) {
      expect(settlementEventSchema.safeParse({ ...S, [f]: null }).success, f).toBe(false);
      const { [f as keyof typeof S]: _d, ...rest } = S;
      expect(settlementEventSchema.safeParse(rest).success, f).toBe(false);
    }
    expect(settlementEventSchema.safeParse({ ...S, qty: '0' }).success).toBe(false);
    expect(settlementEventSchema.safeParse({ ...S, leg: 'fee' }).success).toBe(false);
    expect(settlementEventSchema.safeParse({ ...S, mechanism: 'DVP' }).success).toBe(false);
  });

  it('venues: every field is required; booleans are booleans', () => {
    const V = { venue_id: 'V', jurisdiction: 'SG', fatf_member: false, shared_book_approved: true };
    expect(venueSchema.safeParse(V).success).toBe(true);
    for (const f of Object.keys(V)) expect(venueSchema.safeParse({ ...V, [f]: null }).success, f).toBe(false);
    expect(venueSchema.safeParse({ ...V, fatf_member: 'true' }).success).toBe(false);
  });
});

describe('orders and instruments', () => {
  const NEW = {
    seq: 1,
    ts: '2026-02-12T00:00:01Z',
    event: 'new',
    order_id: 'o',
    symbol: 'BTC-USD',
    account_id: 'A',
    side: 'buy',
    type: 'limit',
    price: '1',
    qty: '1',
    tif: 'gtc',
    mm_tag: false,
  };

  it('contract 2: route (id or null) and prefunded (decimal ≥ 0 or null) on any event', () => {
    expect(orderEventSchemaV2.parse({ ...NEW, route: 'V', prefunded: '0' })).toMatchObject({
      route: 'V',
      prefunded: '0',
    });
    expect(orderEventSchemaV2.parse({ ...NEW, event: 'cancel', route: 'V', prefunded: null })).toMatchObject({
      route: 'V',
    });
    expect(orderEventSchemaV2.safeParse({ ...NEW, route: '' }).success).toBe(false);
    expect(orderEventSchemaV2.safeParse({ ...NEW, prefunded: '-0.01' }).success).toBe(false);
    expect(orderEventSchemaV2.safeParse({ ...NEW, prefunded: 5 }).success).toBe(false);
    // The v1 rules still hold.
    expect(orderEventSchemaV2.safeParse({ ...NEW, qty: null }).success).toBe(false);
    const parsed = orderEventSchemaV2.parse({ route: null, ...NEW });
    expect(Object.keys(parsed)).toEqual([...Object.keys(NEW), 'route']);
  });

  it('a snapshot with a non-null route fails contract 2 (DQ-1); a null route does not', () => {
    const snap = { ...NEW, event: 'snapshot' };
    const r = orderEventSchemaV2.safeParse({ ...snap, route: 'V' });
    expect(reasons(r)).toEqual([
      "route: is set, but a 'snapshot' must have a null route (a routed order never rests in the local book)",
    ]);
    expect(orderEventSchemaV2.safeParse({ ...snap, route: null }).success).toBe(true);
    expect(orderEventSchemaV2.safeParse(snap).success).toBe(true);
  });

  it('contract 1 reads as before: a routed snapshot is valid and the new fields are dropped like any unnamed field', () => {
    const snap = { ...NEW, event: 'snapshot', route: 'V', prefunded: 'not a decimal' };
    expect(orderEventSchema.parse(snap)).toEqual({ ...NEW, event: 'snapshot' });
    expect(
      instrumentSchema.parse({
        symbol: 'P',
        product: 'perpetual',
        reference_asset: 'BTC',
        retail_spot_approved: false,
        reference_index_iosco: 'x',
      }),
    ).toEqual({ symbol: 'P', product: 'perpetual', reference_asset: 'BTC', retail_spot_approved: false });
  });

  it('contract 2 instruments: reference_index_iosco boolean, default false', () => {
    const I = { symbol: 'P', product: 'perpetual', reference_asset: 'BTC', retail_spot_approved: false };
    expect(instrumentSchemaV2.parse(I).reference_index_iosco).toBe(false);
    expect(instrumentSchemaV2.parse({ ...I, reference_index_iosco: null }).reference_index_iosco).toBe(false);
    expect(instrumentSchemaV2.parse({ ...I, reference_index_iosco: true }).reference_index_iosco).toBe(true);
    expect(instrumentSchemaV2.safeParse({ ...I, reference_index_iosco: 'true' }).success).toBe(false);
  });
});

describe('schemas per contract', () => {
  it('contract 1 has the eight v1 folders with their v1 schemas; contract 2 adds venues, margin, settlements', () => {
    expect(recordTypesOf(1)).toEqual([
      'accounts',
      'staff',
      'wallets',
      'instruments',
      'orders',
      'trades',
      'collateral',
      'access',
    ]);
    expect(recordTypesOf(2)).toEqual([...recordTypesOf(1), 'venues', 'margin', 'settlements']);
    for (const t of recordTypesOf(1)) expect(schemaFor(t, 1)).toBe(RECORD_SCHEMAS[t as keyof typeof RECORD_SCHEMAS]);
    for (const t of ['venues', 'margin', 'settlements'] as const) expect(schemaFor(t, 1)).toBeUndefined();
    for (const t of recordTypesOf(2)) expect(schemaFor(t, 2)).toBe(RECORD_SCHEMAS_V2[t]);
    expect(schemaFor('orders', 2)).toBe(orderEventSchemaV2);
    expect(schemaFor('trades', 2)).toBe(RECORD_SCHEMAS.trades);
  });
});
