import { describe, expect, it } from 'vitest';
import { LateMarginCall } from '#shared/checks/mf/lateMarginCall.js';
import { draw, events, marginCall, pledge, run, valuation } from '../../collateral/harness.js';

// L-1: 2 BTC at 97000, haircut 0.6, 70000 drawn. A valuation at 80000 gives 2 × 80000 × 0.4 = 64000 < 70000: short.
const T = '2026-02-12T03:00:00Z';
const shortLoan = () => [
  pledge({ qty: '2', price: '97000', ts: '2026-02-12T02:00:00Z' }),
  draw('70000', { ts: '2026-02-12T02:00:05Z' }),
];

describe('MF-6 no timely margin call after a valuation', () => {
  it('MF-6: a margin call exactly at the end of the window is compliant', () => {
    const r = run(events(...shortLoan(), valuation('80000', { ts: T }), marginCall({ ts: '2026-02-12T04:00:00Z' })));
    expect(r.ids('MF-6')).toEqual([]);
    expect(r.sink.population('MF-6').examined).toBe(1);
  });

  it('MF-6: a margin call 1 ns after the window is medium, subject the valuation, evidence the loan', () => {
    const r = run(
      events(...shortLoan(), valuation('80000', { ts: T }), marginCall({ ts: '2026-02-12T04:00:00.000000001Z' })),
    );
    expect(r.ids('MF-6')).toEqual(['c-3']);
    const f = r.findings.find((x) => x.check_id === 'MF-6');
    expect(f?.severity).toBe('medium');
    expect(f?.seq).toBe(3);
    expect(f?.account_id).toBe('C-1');
    expect(f?.evidence).toMatchObject({
      loans: [{ loan_id: 'L-1', outstanding: '70000', lending_value: '64000' }],
      margin_call_within: 'PT1H',
    });
  });

  it('MF-6: windows are measured to the nanosecond', () => {
    const v = valuation('80000', { ts: '2026-02-12T03:00:00.000000001Z' });
    expect(run(events(...shortLoan(), v, marginCall({ ts: '2026-02-12T04:00:00.000000001Z' }))).ids('MF-6')).toEqual(
      [],
    );
    expect(run(events(...shortLoan(), v, marginCall({ ts: '2026-02-12T04:00:00.000000002Z' }))).ids('MF-6')).toEqual([
      'c-3',
    ]);
  });

  it('MF-6: no margin call at all is a finding', () => {
    expect(run(events(...shortLoan(), valuation('80000', { ts: T }))).ids('MF-6')).toEqual(['c-3']);
  });

  it('MF-6: a margin call before the valuation (earlier seq) does not answer it', () => {
    const r = run(events(...shortLoan(), marginCall({ ts: T }), valuation('80000', { ts: T })));
    expect(r.ids('MF-6')).toEqual(['c-4']);
  });

  it('MF-6: a margin call on another loan does not answer it', () => {
    const r = run(events(...shortLoan(), valuation('80000', { ts: T }), marginCall({ loan_id: 'L-2', ts: T })));
    expect(r.ids('MF-6')).toEqual(['c-3']);
  });

  it('MF-6: a valuation that leaves every loan covered is compliant', () => {
    // 2 × 87500 × 0.4 = 70000: exactly covered.
    const r = run(events(...shortLoan(), valuation('87500', { ts: T })));
    expect(r.ids('MF-6')).toEqual([]);
    expect(r.sink.population('MF-6').examined).toBe(1);
  });

  it('MF-6: only loans holding a lot of the valued asset are considered', () => {
    // L-2 has no lots and is drawn (short), but holds no BTC; L-1 is covered.
    const r = run(
      events(pledge({ qty: '2', price: '97000' }), draw('100', { loan_id: 'L-2' }), valuation('97000', { ts: T })),
    );
    expect(r.ids('MF-6')).toEqual([]);
  });

  it('MF-6: a loan whose lots of the asset were all released is not considered', () => {
    const r = run(
      events(
        ...shortLoan(),
        {
          event: 'release',
          account_id: 'C-1',
          asset: 'BTC',
          qty: '2',
          from_wallet: 'W-COLL-1',
          to_wallet: 'W-C1-FREE',
          loan_id: 'L-1',
        },
        valuation('80000', { ts: T }),
      ),
    );
    expect(r.ids('MF-6')).toEqual([]);
  });

  it('MF-6: every short loan needs its own call; the evidence lists those without one', () => {
    const r = run(
      events(
        ...shortLoan(),
        pledge({ loan_id: 'L-2', account_id: 'C-2', from_wallet: 'W-C2-FREE', qty: '1', price: '97000' }),
        draw('35000', { loan_id: 'L-2', account_id: 'C-2' }),
        valuation('80000', { ts: T }),
        marginCall({ ts: T }),
      ),
    );
    expect(r.ids('MF-6')).toEqual(['c-5']);
    const f = r.findings.find((x) => x.check_id === 'MF-6');
    expect(f?.evidence).toMatchObject({
      loans: [{ loan_id: 'L-2', account_id: 'C-2' }],
      loans_without_timely_call: 1,
      loans_short_after_valuation: 2,
    });
    expect(f?.account_id).toBe('C-2');
  });

  it('MF-6: one margin call can answer several valuations within its window', () => {
    const r = run(
      events(
        ...shortLoan(),
        valuation('80000', { ts: T }),
        valuation('79000', { ts: '2026-02-12T03:30:00Z' }),
        marginCall({ ts: '2026-02-12T03:45:00Z' }),
      ),
    );
    expect(r.ids('MF-6')).toEqual([]);
  });

  it('MF-6: a call replayed after the valuation but stamped slightly earlier still answers it', () => {
    const r = run(events(...shortLoan(), valuation('80000', { ts: T }), marginCall({ ts: '2026-02-12T02:59:59Z' })));
    expect(r.ids('MF-6')).toEqual([]);
  });

  it('MF-6: the window is a parameter', () => {
    const evs = events(...shortLoan(), valuation('80000', { ts: T }), marginCall({ ts: '2026-02-12T03:45:00Z' }));
    expect(run(evs, { params: { margin_call_within: 'PT30M' } }).ids('MF-6')).toEqual(['c-3']);
    expect(run(evs, { params: { margin_call_within: 'PT45M' } }).ids('MF-6')).toEqual([]);
  });

  it('MF-6: a fully answered valuation is settled early and not kept in memory', () => {
    const r = run(events(...shortLoan(), valuation('80000', { ts: T }), marginCall({ ts: T })), {});
    const rule = r.auditor.rules.find((x) => x instanceof LateMarginCall) as LateMarginCall;
    expect(rule.pendingCount).toBe(0);
    expect(r.ids('MF-6')).toEqual([]);
  });

  it('MF-6: a valuation left pending is reported in finish()', () => {
    const r = run(events(...shortLoan(), valuation('80000', { ts: T })));
    const rule = r.auditor.rules.find((x) => x instanceof LateMarginCall) as LateMarginCall;
    expect(rule.pendingCount).toBe(0);
    expect(r.ids('MF-6')).toEqual(['c-3']);
  });
});
