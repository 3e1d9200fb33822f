import { describe, expect, it } from 'vitest';
import { CollateralLedger } from '#shared/collateral/ledger.js';
import { appliedHaircut, lendingValue, loanCoverage } from '#shared/collateral/lendingValue.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { draw, events, pledge, release, repay, valuation } from './harness.js';

function replay(...evs: Parameters<typeof events>): CollateralLedger {
  const ledger = new CollateralLedger();
  for (const ev of events(...evs)) ledger.apply(ev);
  return ledger;
}

describe('collateral ledger replay', () => {
  it('keeps holdings per wallet and asset from every movement in and out', () => {
    const l = replay(
      { event: 'deposit', account_id: 'C-1', asset: 'BTC', asset_class: 'virtual_asset', qty: '3', to_wallet: 'F' },
      pledge({ qty: '2', from_wallet: 'F', to_wallet: 'C' }),
      release('0.5', { from_wallet: 'C', to_wallet: 'F' }),
      { event: 'transfer', asset: 'BTC', qty: '0.25', from_wallet: 'C', to_wallet: 'H' },
      {
        event: 'enforce',
        account_id: 'C-1',
        asset: 'BTC',
        qty: '0.25',
        from_wallet: 'C',
        to_wallet: 'H',
        loan_id: 'L-1',
      },
      {
        event: 'withdraw',
        account_id: 'C-1',
        asset: 'BTC',
        asset_class: 'virtual_asset',
        qty: '1.1',
        from_wallet: 'F',
      },
      { event: 'encumber', asset: 'BTC', qty: '1', from_wallet: 'C', counterparty: 'X' },
      { event: 'balance', asset: 'BTC', qty: '99', from_wallet: 'C' },
    );
    expect(l.holding('F', 'BTC').toString()).toBe('0.4'); // 3 - 2 + 0.5 - 1.1
    expect(l.holding('C', 'BTC').toString()).toBe('1'); // 2 - 0.5 - 0.25 - 0.25
    expect(l.holding('H', 'BTC').toString()).toBe('0.5');
    expect(l.holding('C', 'ETH').toString()).toBe('0');
  });

  it('lets holdings go negative for assets held before the dataset', () => {
    const l = replay({ event: 'transfer', asset: 'ETH', qty: '1', from_wallet: 'C', to_wallet: 'H' });
    expect(l.holding('C', 'ETH').toString()).toBe('-1');
  });

  it('keeps outstanding amounts exactly (draws - repayments)', () => {
    const l = replay(draw('0.1'), draw('0.2'), repay('0.3'), draw('1000000000000000000000.01'));
    expect(l.outstanding('L-1').toString()).toBe('1000000000000000000000.01');
    expect(l.outstanding('L-UNKNOWN').toString()).toBe('0');
  });

  it('reduces lots of the asset oldest first, never below zero, and drops empty lots', () => {
    const l = replay(
      pledge({ qty: '1', haircut: '0.6' }),
      pledge({ asset: 'ETH', qty: '10', haircut: '0.6' }),
      pledge({ qty: '2', haircut: '0.7' }),
      release('1.5'),
    );
    const lots = l.loan('L-1')?.lots.map((x) => [x.asset, x.qty.toString(), x.haircut]);
    expect(lots).toEqual([
      ['ETH', '10', '0.6'],
      ['BTC', '1.5', '0.7'],
    ]);
    expect(l.lastReduction?.reduced.toString()).toBe('1.5');
    const l2 = replay(pledge({ qty: '1' }), release('3'));
    expect(l2.loan('L-1')?.lots).toEqual([]);
    expect(l2.lastReduction?.excess.toString()).toBe('2');
    expect(l2.loansHolding('BTC')).toEqual([]);
    expect(l2.isBackedByVirtualAssets('L-1')).toBe(false);
  });

  it('tracks the latest price per asset from valuations and pledges in replay order', () => {
    const l = replay(pledge({ price: '100' }), valuation('90'), pledge({ loan_id: 'L-2', price: '95' }));
    expect(l.latestPrice('BTC')).toMatchObject({ price: '95', source: 'pledge', event_id: 'c-3' });
    const l2 = replay(pledge({ price: '100' }), valuation('90'));
    expect(l2.latestPrice('BTC')).toMatchObject({ price: '90', source: 'valuation' });
  });

  it('records defaults, credit limits, the first VA pledge and margin calls', () => {
    const l = replay(
      pledge({ asset: '0700.HK', asset_class: 'security', haircut: '0.3' }),
      pledge({ asset: 'ETH' }),
      pledge({ asset: 'BTC' }),
      { event: 'default', account_id: 'C-1', loan_id: 'L-1' },
      { event: 'default', account_id: 'C-1', loan_id: 'L-1' },
      { event: 'credit_limit', account_id: 'C-1', amount: '5' },
      { event: 'credit_limit', account_id: 'C-1', amount: '7' },
      { event: 'margin_call', account_id: 'C-1', loan_id: 'L-1' },
    );
    expect(l.firstVaPledge('C-1')).toMatchObject({ event_id: 'c-2', asset: 'ETH' });
    expect(l.defaultOf('L-1')?.event_id).toBe('c-4');
    expect(l.defaultOf('L-2')).toBeNull();
    expect(l.creditLimit('C-1')?.amount).toBe('7');
    expect(l.loan('L-1')?.lastMarginCall?.event_id).toBe('c-8');
    expect(l.applied).toBe(8);
  });
});

describe('lending value', () => {
  const p = DEFAULT_PARAMETERS;
  it('applies max(recorded, floor) to eligible VA, the recorded haircut to others, 1 to ineligible VA', () => {
    expect(appliedHaircut({ asset: 'BTC', asset_class: 'virtual_asset', haircut: '0.5' }, p).toString()).toBe('0.6');
    expect(appliedHaircut({ asset: 'BTC', asset_class: 'virtual_asset', haircut: '0.65' }, p).toString()).toBe('0.65');
    expect(appliedHaircut({ asset: 'WBTC', asset_class: 'virtual_asset', haircut: '0.6' }, p).toString()).toBe('1');
    expect(appliedHaircut({ asset: 'USDT', asset_class: 'stablecoin', haircut: '0.05' }, p).toString()).toBe('0.05');
    expect(appliedHaircut({ asset: 'X', asset_class: 'security', haircut: '1.5' }, p).toString()).toBe('1');
    expect(appliedHaircut({ asset: 'X', asset_class: 'security', haircut: '-0.2' }, p).toString()).toBe('0');
  });

  it('sums qty x latest price x (1 - h) over open lots, exactly', () => {
    const l = replay(
      pledge({ qty: '0.00000001', price: '97000.1', haircut: '0.6' }),
      pledge({ asset: 'HKD', asset_class: 'fiat', qty: '1000', price: '1', haircut: '0' }),
    );
    expect(lendingValue(l, 'L-1', p).toString()).toBe('1000.0003880004');
    const cov = loanCoverage(l, 'L-1', p);
    expect(cov.lots.map((x) => x.value)).toEqual(['0.0003880004', '1000']);
    expect(lendingValue(l, 'L-NONE', p).toString()).toBe('0');
  });
});
