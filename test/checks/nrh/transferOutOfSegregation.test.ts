import { describe, expect, it } from 'vitest';
import { events, reference, run, WALLETS } from '../../collateral/harness.js';

const transfer = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
  event: 'transfer' as const,
  asset: 'BTC',
  asset_class: 'virtual_asset' as const,
  qty: '1',
  from_wallet: from,
  to_wallet: to,
  ...extra,
});

describe('NRH-1 transfer out of segregated client collateral', () => {
  it('NRH-1: a transfer between two client_collateral wallets is compliant', () => {
    const r = run(events(transfer('W-COLL-1', 'W-COLL-2')));
    expect(r.ids('NRH-1')).toEqual([]);
    expect(r.sink.population('NRH-1').examined).toBe(1);
  });

  it('NRH-1: a transfer within the same client_collateral wallet is compliant', () => {
    expect(run(events(transfer('W-COLL-1', 'W-COLL-1'))).ids('NRH-1')).toEqual([]);
  });

  it('NRH-1: a transfer out of client_collateral to house, mm, external or client_free wallets is critical', () => {
    const r = run(
      events(
        transfer('W-COLL-1', 'W-HOUSE'),
        transfer('W-COLL-1', 'W-MM'),
        transfer('W-COLL-2', 'W-EXT'),
        transfer('W-COLL-1', 'W-C1-FREE'),
      ),
    );
    expect(r.ids('NRH-1')).toEqual(['c-1', 'c-2', 'c-3', 'c-4']);
    const f = r.findings.find((x) => x.subject === 'c-1');
    expect(f?.severity).toBe('critical');
    expect(f?.seq).toBe(1);
    expect(f?.detail).toContain('W-COLL-1');
    expect(f?.detail).toContain('house wallet W-HOUSE');
    expect(f?.evidence).toMatchObject({ to_wallet: { wallet_id: 'W-HOUSE', kind: 'house' }, qty: '1' });
  });

  it('NRH-1: a transfer out of client_collateral to a wallet absent from the reference data is a finding', () => {
    const r = run(events(transfer('W-COLL-1', 'W-NOWHERE')));
    expect(r.ids('NRH-1')).toEqual(['c-1']);
    expect(r.findings[0]?.detail).toContain('absent from the wallets reference data');
  });

  it('NRH-1: transfers that do not leave a client_collateral wallet are examined and compliant', () => {
    const r = run(events(transfer('W-HOUSE', 'W-EXT'), transfer('W-C1-FREE', 'W-COLL-1')));
    expect(r.ids('NRH-1')).toEqual([]);
    expect(r.sink.population('NRH-1').examined).toBe(2);
  });

  it('NRH-1: a transfer from an unknown wallet is not tested unless it goes into client_collateral', () => {
    const r = run(events(transfer('W-UNKNOWN', 'W-HOUSE'), transfer('W-UNKNOWN', 'W-COLL-1')));
    expect(r.ids('NRH-1')).toEqual([]);
    const pop = r.sink.population('NRH-1');
    expect(pop.examined).toBe(1);
    expect(Object.values(pop.notTested)).toEqual([1]);
  });

  it('NRH-1: with no transfers the check states why it tested nothing', () => {
    const r = run(events({ event: 'valuation', asset: 'BTC', price: '1' }));
    expect(r.sink.population('NRH-1')).toEqual({
      examined: 0,
      notTested: { 'no transfers in the collateral ledger': 0 },
    });
  });

  it('NRH-1: wallet kinds come from the reference data, not from the wallet id', () => {
    const ref = reference([...WALLETS, { wallet_id: 'W-COLL-X', owner_entity_id: 'E-OP', kind: 'house' }]);
    const r = run(events(transfer('W-COLL-1', 'W-COLL-X')), { ref });
    expect(r.ids('NRH-1')).toEqual(['c-1']);
  });
});
