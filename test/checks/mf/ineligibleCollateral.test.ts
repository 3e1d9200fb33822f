import { describe, expect, it } from 'vitest';
import { events, pledge, run } from '../../collateral/harness.js';

describe('MF-1 ineligible virtual-asset collateral', () => {
  it('MF-1: BTC and ETH pledges are compliant', () => {
    const r = run(events(pledge({ asset: 'BTC' }), pledge({ asset: 'ETH' })));
    expect(r.ids('MF-1')).toEqual([]);
    expect(r.sink.population('MF-1').examined).toBe(2);
  });

  it('MF-1: WBTC and stETH are not BTC and ETH', () => {
    const r = run(events(pledge({ asset: 'WBTC' }), pledge({ asset: 'stETH' })));
    expect(r.ids('MF-1')).toEqual(['c-1', 'c-2']);
    expect(r.findings.find((f) => f.check_id === 'MF-1')?.severity).toBe('high');
    expect(r.findings.find((f) => f.check_id === 'MF-1')?.detail).toContain('WBTC is not eligible');
  });

  it('MF-1: asset ids match exactly (btc is not BTC)', () => {
    expect(run(events(pledge({ asset: 'btc' }))).ids('MF-1')).toEqual(['c-1']);
  });

  it('MF-1: pledges of other asset classes are outside the population', () => {
    const r = run(events(pledge({ asset: '0700.HK', asset_class: 'security', haircut: '0.3' })));
    expect(r.ids('MF-1')).toEqual([]);
    expect(r.sink.population('MF-1').examined).toBe(0);
  });

  it('MF-1: the eligible list is a parameter', () => {
    const r = run(events(pledge({ asset: 'BTC' }), pledge({ asset: 'SOL' })), {
      params: { eligible_va_collateral: ['SOL'] },
    });
    expect(r.ids('MF-1')).toEqual(['c-1']);
  });
});
