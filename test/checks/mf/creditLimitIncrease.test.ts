import { describe, expect, it } from 'vitest';
import { events, pledge, run } from '../../collateral/harness.js';

const limit = (amount: string, ts: string, account = 'C-1') => ({
  event: 'credit_limit' as const,
  account_id: account,
  amount,
  ts,
});
const T = '2026-02-12T02:00:00Z';

describe('MF-5 credit limit raised within 24 h of the first VA pledge', () => {
  it('MF-5: the first credit_limit after a VA pledge is not an increase', () => {
    const r = run(events(pledge({ ts: T }), limit('100000', '2026-02-12T03:00:00Z')));
    expect(r.ids('MF-5')).toEqual([]);
    expect(r.sink.population('MF-5').examined).toBe(1);
  });

  it('MF-5: a higher second credit_limit within 24 h of the first VA pledge is medium', () => {
    const r = run(
      events(pledge({ ts: T }), limit('100000', '2026-02-12T03:00:00Z'), limit('200000', '2026-02-12T04:00:00Z')),
    );
    expect(r.ids('MF-5')).toEqual(['c-3']);
    const f = r.findings[0];
    expect(f?.severity).toBe('medium');
    expect(f?.account_id).toBe('C-1');
    expect(f?.evidence).toMatchObject({
      first_va_pledge: { event_id: 'c-1' },
      previous_credit_limit: { amount: '100000' },
    });
  });

  it('MF-5: exactly 24 h after is within; 24 h + 1 ns is not', () => {
    const at = run(events(pledge({ ts: T }), limit('1', T), limit('2', '2026-02-13T02:00:00Z')));
    expect(at.ids('MF-5')).toEqual(['c-3']);
    const after = run(events(pledge({ ts: T }), limit('1', T), limit('2', '2026-02-13T02:00:00.000000001Z')));
    expect(after.ids('MF-5')).toEqual([]);
  });

  it('MF-5: an equal (by value) or lower amount is not an increase', () => {
    const r = run(events(pledge({ ts: T }), limit('100', T), limit('100.00', T), limit('99', T), limit('0', T)));
    expect(r.ids('MF-5')).toEqual([]);
    expect(r.sink.population('MF-5').examined).toBe(4);
  });

  it('MF-5: the previous credit_limit may precede the pledge', () => {
    const r = run(
      events(limit('100', '2026-02-12T01:00:00Z'), pledge({ ts: T }), limit('200', '2026-02-12T02:30:00Z')),
    );
    expect(r.ids('MF-5')).toEqual(['c-3']);
  });

  it('MF-5: an increase with no VA pledge, or only non-VA pledges, is compliant', () => {
    expect(run(events(limit('100', T), limit('200', T))).ids('MF-5')).toEqual([]);
    const security = pledge({ asset: '0700.HK', asset_class: 'security', haircut: '0.3', ts: T });
    expect(run(events(security, limit('100', T), limit('200', T))).ids('MF-5')).toEqual([]);
  });

  it("MF-5: only the account's own first VA pledge counts", () => {
    const r = run(events(pledge({ ts: T }), limit('100', T, 'C-2'), limit('200', T, 'C-2')));
    expect(r.ids('MF-5')).toEqual([]);
  });

  it('MF-5: a later VA pledge does not restart the 24 h window', () => {
    const r = run(
      events(
        pledge({ ts: T }),
        pledge({ ts: '2026-02-13T08:00:00Z' }),
        limit('100', '2026-02-13T09:00:00Z'),
        limit('200', '2026-02-13T09:00:00Z'),
      ),
    );
    expect(r.ids('MF-5')).toEqual([]);
  });

  it('MF-5: an increase replayed before the first VA pledge is not after it, whatever its ts', () => {
    const r = run(events(limit('100', T), limit('200', '2026-02-12T03:00:00Z'), pledge({ ts: T })));
    expect(r.ids('MF-5')).toEqual([]);
  });

  it('MF-5: an increase replayed after the pledge but stamped earlier is within 24 h by ts distance', () => {
    const near = run(events(pledge({ ts: T }), limit('100', T), limit('200', '2026-02-12T01:00:00Z')));
    expect(near.ids('MF-5')).toEqual(['c-3']);
    const far = run(events(pledge({ ts: T }), limit('100', T), limit('200', '2026-02-11T01:59:59.999999999Z')));
    expect(far.ids('MF-5')).toEqual([]);
  });
});
