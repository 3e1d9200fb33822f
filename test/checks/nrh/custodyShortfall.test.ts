import { describe, expect, it } from 'vitest';
import { events, pledge, run } from '../../collateral/harness.js';

const balance = (qty: string, wallet = 'W-COLL-1', asset = 'BTC') => ({
  event: 'balance' as const,
  from_wallet: wallet,
  asset,
  qty,
});
const deposit = (qty: string, wallet = 'W-C1-FREE', asset = 'BTC') => ({
  event: 'deposit' as const,
  account_id: 'C-1',
  asset,
  asset_class: 'virtual_asset' as const,
  qty,
  to_wallet: wallet,
});

describe('NRH-4 custody shortfall', () => {
  it('NRH-4: a balance equal to the ledger holdings is compliant (by value)', () => {
    const r = run(
      events(
        deposit('1.00000001'),
        pledge({ qty: '1.00000001' }),
        balance('1.00000001'),
        balance('1.000000010'),
        balance('2'),
      ),
    );
    expect(r.ids('NRH-4')).toEqual([]);
    expect(r.sink.population('NRH-4').examined).toBe(3);
  });

  it('NRH-4: a balance one smallest unit below the ledger holdings is critical', () => {
    const r = run(events(deposit('1.00000001'), pledge({ qty: '1.00000001' }), balance('1.00000000')));
    expect(r.ids('NRH-4')).toEqual(['c-3']);
    const f = r.findings[0];
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({
      ledger_holdings: '1.00000001',
      balance: '1.00000000',
      shortfall: '0.00000001',
    });
  });

  it('NRH-4: holdings are taken at that point: later movements in do not count', () => {
    const r = run(events(balance('0'), pledge({ qty: '5' }), balance('5')));
    expect(r.ids('NRH-4')).toEqual([]);
  });

  it('NRH-4: every movement in and out of the wallet counts', () => {
    const evs = events(
      pledge({ qty: '3' }), // +3 into W-COLL-1
      { event: 'transfer', asset: 'BTC', qty: '1', from_wallet: 'W-COLL-1', to_wallet: 'W-COLL-2' }, // -1
      {
        event: 'release',
        account_id: 'C-1',
        asset: 'BTC',
        qty: '0.5',
        from_wallet: 'W-COLL-1',
        to_wallet: 'W-C1-FREE',
        loan_id: 'L-1',
      }, // -0.5
      {
        event: 'enforce',
        account_id: 'C-1',
        asset: 'BTC',
        qty: '0.25',
        from_wallet: 'W-COLL-1',
        to_wallet: 'W-HOUSE',
        loan_id: 'L-1',
      }, // -0.25
      { event: 'transfer', asset: 'BTC', qty: '0.1', from_wallet: 'W-COLL-2', to_wallet: 'W-COLL-1' }, // +0.1
      {
        event: 'deposit',
        account_id: 'C-1',
        asset: 'BTC',
        asset_class: 'virtual_asset',
        qty: '0.05',
        to_wallet: 'W-COLL-1',
      }, // +0.05
      {
        event: 'withdraw',
        account_id: 'C-1',
        asset: 'BTC',
        asset_class: 'virtual_asset',
        qty: '0.01',
        from_wallet: 'W-COLL-1',
      }, // -0.01
      balance('1.39'), // holdings 3 - 1 - 0.5 - 0.25 + 0.1 + 0.05 - 0.01 = 1.39
      balance('1.389'),
      balance('0.9', 'W-COLL-2'), // 1 - 0.1 = 0.9
      balance('0.89', 'W-COLL-2'),
    );
    const r = run(evs);
    expect(r.ids('NRH-4')).toEqual(['c-11', 'c-9']);
  });

  it('NRH-4: holdings are per asset', () => {
    const r = run(
      events(pledge({ qty: '2', asset: 'ETH' }), balance('0', 'W-COLL-1', 'BTC'), balance('1.9', 'W-COLL-1', 'ETH')),
    );
    expect(r.ids('NRH-4')).toEqual(['c-3']);
  });

  it('NRH-4: balances of wallets that are not client_collateral are outside the population', () => {
    const r = run(events(deposit('5', 'W-C1-FREE'), balance('1', 'W-C1-FREE'), balance('0', 'W-HOUSE')));
    expect(r.ids('NRH-4')).toEqual([]);
    expect(r.sink.population('NRH-4')).toEqual({
      examined: 0,
      notTested: { 'no custody balances of client_collateral wallets in the collateral ledger': 0 },
    });
  });

  it('NRH-4: a balance of an unknown wallet is not tested', () => {
    const r = run(events(balance('1', 'W-UNKNOWN')));
    expect(r.ids('NRH-4')).toEqual([]);
    expect(Object.values(r.sink.population('NRH-4').notTested)).toEqual([1]);
  });
});
