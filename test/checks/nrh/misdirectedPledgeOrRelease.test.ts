import { describe, expect, it } from 'vitest';
import { events, pledge, release, run } from '../../collateral/harness.js';

describe('NRH-5 pledge or release to the wrong wallet', () => {
  it('NRH-5: a pledge into a client_collateral wallet is compliant', () => {
    const r = run(events(pledge({ to_wallet: 'W-COLL-1' }), pledge({ to_wallet: 'W-COLL-2' })));
    expect(r.ids('NRH-5')).toEqual([]);
    expect(r.sink.population('NRH-5').examined).toBe(2);
  });

  it('NRH-5: a pledge into a house, mm or client_free wallet is high', () => {
    const r = run(
      events(pledge({ to_wallet: 'W-HOUSE' }), pledge({ to_wallet: 'W-MM' }), pledge({ to_wallet: 'W-C1-FREE' })),
    );
    expect(r.ids('NRH-5')).toEqual(['c-1', 'c-2', 'c-3']);
    expect(r.findings.every((f) => f.severity === 'high')).toBe(true);
  });

  it('NRH-5: a pledge into an unknown wallet is a finding', () => {
    expect(run(events(pledge({ to_wallet: 'W-UNKNOWN' }))).ids('NRH-5')).toEqual(['c-1']);
  });

  it("NRH-5: a release to the client's own client_free wallet is compliant", () => {
    const r = run(events(pledge(), release('1')));
    expect(r.ids('NRH-5')).toEqual([]);
    expect(r.sink.population('NRH-5').examined).toBe(2);
  });

  it("NRH-5: a release to another client's client_free wallet is a finding", () => {
    const r = run(events(pledge(), release('1', { to_wallet: 'W-C2-FREE' })));
    expect(r.ids('NRH-5')).toEqual(['c-2']);
    expect(r.findings[0]?.detail).toContain('not by the client');
  });

  it('NRH-5: a release to a house, collateral or unknown wallet is a finding', () => {
    const r = run(
      events(
        pledge({ qty: '3' }),
        release('1', { to_wallet: 'W-HOUSE' }),
        release('1', { to_wallet: 'W-COLL-2' }),
        release('1', { to_wallet: 'W-UNKNOWN' }),
      ),
    );
    expect(r.ids('NRH-5')).toEqual(['c-2', 'c-3', 'c-4']);
  });

  it('NRH-5: a release for an account absent from the reference data cannot be shown to go to its own wallet', () => {
    const r = run(events(pledge(), release('1', { account_id: 'C-GHOST' })));
    expect(r.ids('NRH-5')).toEqual(['c-2']);
    expect(r.findings[0]?.detail).toContain('C-GHOST');
  });
});
