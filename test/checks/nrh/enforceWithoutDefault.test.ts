import { describe, expect, it } from 'vitest';
import { events, pledge, run } from '../../collateral/harness.js';

const enforce = (loan = 'L-1') => ({
  event: 'enforce' as const,
  account_id: 'C-1',
  asset: 'BTC',
  qty: '1',
  from_wallet: 'W-COLL-1',
  to_wallet: 'W-HOUSE',
  loan_id: loan,
});
const defaultOn = (loan = 'L-1') => ({ event: 'default' as const, account_id: 'C-1', loan_id: loan });

describe('NRH-2 enforce without default', () => {
  it('NRH-2: an enforce after a default on that loan is compliant', () => {
    const r = run(events(pledge(), defaultOn(), enforce()));
    expect(r.ids('NRH-2')).toEqual([]);
    expect(r.sink.population('NRH-2').examined).toBe(1);
  });

  it('NRH-2: an enforce with no default is critical', () => {
    const r = run(events(pledge(), enforce()));
    expect(r.ids('NRH-2')).toEqual(['c-2']);
    expect(r.findings.find((f) => f.check_id === 'NRH-2')?.severity).toBe('critical');
  });

  it('NRH-2: a default that comes only after the enforce does not count', () => {
    const r = run(events(pledge(), enforce(), defaultOn()));
    expect(r.ids('NRH-2')).toEqual(['c-2']);
  });

  it('NRH-2: a default on another loan does not count', () => {
    const r = run(events(pledge(), defaultOn('L-2'), enforce('L-1')));
    expect(r.ids('NRH-2')).toEqual(['c-3']);
  });

  it('NRH-2: a default sharing the enforce seq (DQ-2 duplicate) is not earlier', () => {
    const r = run(events(pledge(), { ...defaultOn(), seq: 2, event_id: 'd-2' }, { ...enforce(), seq: 2 }));
    expect(r.ids('NRH-2')).toEqual(['c-2']);
  });

  it('NRH-2: replay order is seq order, whatever the file order', () => {
    const [p, d, e] = events(pledge(), defaultOn(), enforce());
    // The caller sorts by seq; the auditor sees them sorted. Enforce at seq 3 after default at seq 2.
    expect(run([p!, d!, e!]).ids('NRH-2')).toEqual([]);
  });
});
