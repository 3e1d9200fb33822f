import { describe, expect, it } from 'vitest';
import { events, run } from '../../collateral/harness.js';

const encumber = (wallet: string) => ({
  event: 'encumber' as const,
  asset: 'BTC',
  qty: '1',
  from_wallet: wallet,
  counterparty: 'E-BANK',
});

describe('NRH-3 encumbered client collateral', () => {
  it('NRH-3: an encumber over a client_collateral wallet is critical', () => {
    const r = run(events(encumber('W-COLL-1')));
    expect(r.ids('NRH-3')).toEqual(['c-1']);
    const f = r.findings[0];
    expect(f?.severity).toBe('critical');
    expect(f?.detail).toContain('E-BANK');
    expect(f?.evidence).toMatchObject({ wallet_id: 'W-COLL-1', counterparty: 'E-BANK' });
  });

  it('NRH-3: an encumber over a house wallet is compliant', () => {
    const r = run(events(encumber('W-HOUSE')));
    expect(r.ids('NRH-3')).toEqual([]);
    expect(r.sink.population('NRH-3').examined).toBe(1);
  });

  it('NRH-3: an encumber over an unknown wallet is not tested', () => {
    const r = run(events(encumber('W-UNKNOWN')));
    expect(r.ids('NRH-3')).toEqual([]);
    expect(r.sink.population('NRH-3').examined).toBe(0);
    expect(Object.values(r.sink.population('NRH-3').notTested)).toEqual([1]);
  });
});
