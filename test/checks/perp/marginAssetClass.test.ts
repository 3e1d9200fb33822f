/** PERP-3: margin deposits only in perp_margin_classes (V2.md "New and changed checks"). */
import { describe, expect, it } from 'vitest';
import { credit, deposit, events, runMargin } from './marginHarness.js';

describe('PERP-3 perpetual margin posted only in accepted asset classes', () => {
  it('PERP-3: deposits of fiat, HKMA-licensed stablecoins and tokenized deposits are compliant', () => {
    const r = runMargin(
      events(
        deposit('A', '100', { asset: 'HKD', asset_class: 'fiat' }),
        deposit('A', '100', { asset: 'HKDR', asset_class: 'hkma_stablecoin' }),
        deposit('A', '100', { asset: 'HKD-TD', asset_class: 'tokenized_deposit' }),
      ),
    );
    expect(r.ids('PERP-3')).toEqual([]);
    expect(r.population('PERP-3')).toEqual({ examined: 3, notTested: {} });
  });

  it('PERP-3: other stablecoins, virtual assets and securities are each a high finding with the asset and its class', () => {
    const r = runMargin(
      events(
        deposit('A', '100', { asset: 'USDT', asset_class: 'stablecoin' }),
        deposit('A', '1', { asset: 'BTC', asset_class: 'virtual_asset' }),
        deposit('B', '10', { asset: '0700.HK', asset_class: 'security' }),
      ),
    );
    expect(r.ids('PERP-3')).toEqual(['m-1', 'm-2', 'm-3']);
    const f = r.of('PERP-3').find((x) => x.subject === 'm-2')!;
    expect(f).toMatchObject({ check_id: 'PERP-3', severity: 'high', account_id: 'A', seq: 2, symbol: null });
    expect(f.evidence).toMatchObject({
      asset: 'BTC',
      asset_class: 'virtual_asset',
      perp_margin_classes: ['fiat', 'hkma_stablecoin', 'tokenized_deposit'],
      event: { event_id: 'm-2', event: 'deposit', amount: '1', file: 'margin/margin.jsonl', line: 2 },
    });
    expect(f.detail).toContain('virtual_asset');
  });

  it('PERP-3: the classes are the perp_margin_classes parameter', () => {
    const evs = events(
      deposit('A', '100', { asset: 'HKDR', asset_class: 'hkma_stablecoin' }),
      deposit('A', '100', { asset: 'USDT', asset_class: 'stablecoin' }),
    );
    const r = runMargin(evs, { params: { perp_margin_classes: ['fiat', 'stablecoin'] } });
    expect(r.ids('PERP-3')).toEqual(['m-1']);
    expect(r.only('PERP-3').evidence.perp_margin_classes).toEqual(['fiat', 'stablecoin']);
  });

  it('PERP-3: a deposit by an account absent from the reference data is judged as any other', () => {
    const r = runMargin(events(deposit('X-9', '5', { asset: 'ETH', asset_class: 'virtual_asset' })));
    expect(r.only('PERP-3')).toMatchObject({ subject: 'm-1', account_id: 'X-9' });
    expect(r.population('PERP-3')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-3: only deposits are its population; none says so', () => {
    const r = runMargin(events(credit('A', '5')));
    expect(r.population('PERP-3')).toEqual({ examined: 0, notTested: { 'no deposits in the margin ledger': 0 } });
  });
});
