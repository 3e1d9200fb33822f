import { describe, expect, it } from 'vitest';
import { draw, events, pledge, release, run } from '../../collateral/harness.js';

describe('MF-4 VA-backed loan to a non-margin client', () => {
  it('MF-4: a securities margin client may draw on a VA-backed loan', () => {
    const r = run(events(pledge(), draw('100')));
    expect(r.ids('MF-4')).toEqual([]);
    expect(r.sink.population('MF-4').examined).toBe(1);
  });

  it('MF-4: a draw on a VA-backed loan by an account that is not a securities margin client is high', () => {
    const r = run(events(pledge({ account_id: 'C-2', from_wallet: 'W-C2-FREE' }), draw('100', { account_id: 'C-2' })));
    expect(r.ids('MF-4')).toEqual(['c-2']);
    const f = r.findings.find((x) => x.check_id === 'MF-4');
    expect(f?.severity).toBe('high');
    expect(f?.account_id).toBe('C-2');
    expect(f?.evidence).toMatchObject({ account: { account_id: 'C-2', securities_margin_client: false } });
  });

  it('MF-4: a loan backed only by a security is not VA-backed', () => {
    const r = run(
      events(
        pledge({ account_id: 'C-2', asset: '0700.HK', asset_class: 'security', haircut: '0.3' }),
        draw('100', { account_id: 'C-2' }),
      ),
    );
    expect(r.ids('MF-4')).toEqual([]);
  });

  it('MF-4: a loan whose VA lots were all released is no longer VA-backed', () => {
    const r = run(
      events(
        pledge({ account_id: 'C-2', qty: '1' }),
        release('1', { account_id: 'C-2', to_wallet: 'W-C2-FREE' }),
        draw('100', { account_id: 'C-2' }),
      ),
    );
    expect(r.ids('MF-4')).toEqual([]);
  });

  it('MF-4: an ineligible VA lot still backs the loan with virtual assets', () => {
    const r = run(events(pledge({ account_id: 'C-2', asset: 'WBTC' }), draw('100', { account_id: 'C-2' })));
    expect(r.ids('MF-4')).toEqual(['c-2']);
  });

  it('MF-4: an account absent from the reference data is not a securities margin client', () => {
    const r = run(events(pledge(), draw('100', { account_id: 'C-GHOST' })));
    expect(r.ids('MF-4')).toEqual(['c-2']);
    expect(r.findings.find((x) => x.check_id === 'MF-4')?.detail).toContain('absent from the accounts reference data');
  });
});
