import { describe, expect, it } from 'vitest';
import { CHECK_BY_ID } from '#shared/checks/catalogue.js';
import { declarationsOf } from '#shared/checks/pack.js';
import { perpetualReferenceAssetRule } from '#shared/checks/perp/perpetualReferenceAsset.js';
import { perpetualRetailAccessRule } from '#shared/checks/perp/perpetualRetailAccess.js';
import type { Instrument } from '#shared/contract/records.js';
import { drive, INSTRUMENTS, makeRef, only, ord, subjects } from '../fs/fixtures.js';

const run = (orders: ReturnType<typeof ord>[], ref = makeRef()) =>
  drive([perpetualRetailAccessRule()], ref, { orders });

describe('PERP-1 perpetual orders of clients come only from professional investors', () => {
  it('PERP-1: a retail client order on a perpetual is a high finding', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', symbol: 'BTC-PERP', user_id: 'cr-api' })]);
    const f = only(sink, 'PERP-1');
    expect(f).toMatchObject({ severity: 'high', subject: 'o-1', symbol: 'BTC-PERP', account_id: 'C-R', seq: 1 });
    expect(f.evidence).toMatchObject({ investor_class: 'retail', product: 'perpetual' });
  });

  it('PERP-1: a client with a null investor_class on a perpetual is a finding', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'C-N', symbol: 'BTC-PERP' })]);
    expect(only(sink, 'PERP-1').evidence).toMatchObject({ investor_class: null });
  });

  it('PERP-1: a professional client on a perpetual is fine', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'C-P', symbol: 'BTC-PERP' }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'C-P', symbol: 'BTC-PERP', event: 'cancel' }),
    ]);
    expect(subjects(sink, 'PERP-1')).toEqual([]);
    expect(sink.population('PERP-1')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-1: affiliated MM, third-party MM and platform orders on a perpetual are not PERP-1', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', symbol: 'BTC-PERP', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'TP-1', symbol: 'BTC-PERP', mm_tag: true }),
      ord({ seq: 3, order_id: 'o-3', account_id: 'PL-1', symbol: 'BTC-PERP' }),
    ]);
    expect(subjects(sink, 'PERP-1')).toEqual([]);
    expect(sink.population('PERP-1').examined).toBe(3);
  });

  it('PERP-1: a retail client on a spot symbol is out of scope', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', symbol: 'BTC-USD' })]);
    expect(subjects(sink, 'PERP-1')).toEqual([]);
    expect(sink.population('PERP-1')).toEqual({ examined: 0, notTested: {} });
  });

  it('PERP-1: one finding per order; the symbol is the one the order was entered on', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', symbol: 'BTC-PERP' }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'C-R', symbol: 'BTC-USD', event: 'amend' }),
      ord({ seq: 3, order_id: 'o-1', account_id: 'C-R', symbol: 'BTC-USD', event: 'cancel' }),
    ]);
    expect(only(sink, 'PERP-1')).toMatchObject({ subject: 'o-1', seq: 1 });
  });

  it('PERP-1: unknown symbols and unknown accounts on perpetuals are not tested', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', symbol: 'ETH-PERP' }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'X-9', symbol: 'BTC-PERP' }),
      ord({ seq: 3, order_id: 'o-3', account_id: 'MM-1', symbol: 'ETH-PERP', mm_tag: true }),
    ]);
    expect(subjects(sink, 'PERP-1')).toEqual([]);
    const p = sink.population('PERP-1');
    expect(p.examined).toBe(0);
    expect(Object.values(p.notTested)).toEqual([1, 1]);
  });
});

describe('PERP-2 perpetuals reference assets approved for retail spot trading', () => {
  const perp = (symbol: string, retail_spot_approved: boolean): Instrument => ({
    symbol,
    product: 'perpetual',
    reference_asset: symbol.split('-')[0] ?? symbol,
    retail_spot_approved,
  });

  it('PERP-2: a perpetual whose reference asset is not retail-approved is a finding, traded or not', () => {
    const instruments = [...INSTRUMENTS, perp('XYZ-PERP', false)];
    const sink = drive([perpetualReferenceAssetRule()], makeRef({ instruments }));
    const f = only(sink, 'PERP-2');
    expect(f).toMatchObject({ severity: 'high', subject: 'XYZ-PERP', symbol: 'XYZ-PERP' });
    expect(f.evidence).toMatchObject({ reference_asset: 'XYZ', retail_spot_approved: false });
    expect(sink.population('PERP-2')).toEqual({ examined: 2, notTested: {} });
  });

  it('PERP-2: approved perpetuals and unapproved spot instruments are fine', () => {
    const sink = drive([perpetualReferenceAssetRule()], makeRef());
    expect(subjects(sink, 'PERP-2')).toEqual([]);
    expect(sink.population('PERP-2')).toEqual({ examined: 1, notTested: {} });
  });
});

/** The pack's PERP rules, freshly created. */
const perpetualRules = () => declarationsOf(['PERP-1', 'PERP-2']).map((d) => d.create({}));

describe("the pack's PERP rules", () => {
  it('cover PERP-1 and PERP-2, in the catalogue, fresh per creation', () => {
    const a = perpetualRules();
    const b = perpetualRules();
    expect(a.flatMap((r) => [...r.checks])).toEqual(['PERP-1', 'PERP-2']);
    for (const r of a) for (const id of r.checks) expect(CHECK_BY_ID.has(id)).toBe(true);
    expect(a[0]).not.toBe(b[0]);
    const orders = [ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', symbol: 'BTC-PERP' })];
    expect(subjects(drive(a, makeRef(), { orders }), 'PERP-1')).toEqual(['o-1']);
    expect(subjects(drive(b, makeRef(), { orders }), 'PERP-1')).toEqual(['o-1']);
  });
});
