import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LateMarginCall } from '#shared/checks/mf/lateMarginCall.js';
import { CollateralLedger } from '#shared/collateral/ledger.js';
import { lendingValue } from '#shared/collateral/lendingValue.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { CollateralEvent } from '#shared/contract/records.js';
import { draw, events, marginCall, pledge, release, repay, run, valuation } from '../../collateral/harness.js';

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
    const rule = r.rules.rules.find((x) => x instanceof LateMarginCall) as LateMarginCall;
    expect(rule.pendingCount).toBe(0);
    expect(r.ids('MF-6')).toEqual([]);
  });

  it('MF-6: a valuation left pending is reported in finish()', () => {
    const r = run(events(...shortLoan(), valuation('80000', { ts: T })));
    const rule = r.rules.rules.find((x) => x instanceof LateMarginCall) as LateMarginCall;
    expect(rule.pendingCount).toBe(0);
    expect(r.ids('MF-6')).toEqual(['c-3']);
  });

  // The rule screens loans in doubles and leaves every loan that is not clearly covered to exact arithmetic: a loan
  // short (or covered) by far less than a double can tell apart must get the exact verdict and evidence.
  it('MF-6: a loan short by 1e-18 is a finding, with the exact amounts in the evidence', () => {
    // 2 × 87500 × 0.4 = 70000 exactly; outstanding 70000.000000000000000001.
    const r = run(
      events(pledge({ qty: '2', price: '97000' }), draw('70000.000000000000000001'), valuation('87500', { ts: T })),
    );
    expect(r.ids('MF-6')).toEqual(['c-3']);
    expect(r.findings.find((x) => x.check_id === 'MF-6')?.evidence).toMatchObject({
      loans: [{ loan_id: 'L-1', outstanding: '70000.000000000000000001', lending_value: '70000' }],
    });
  });

  it('MF-6: a loan covered with 1e-18 to spare is compliant', () => {
    const r = run(
      events(pledge({ qty: '2', price: '97000' }), draw('69999.999999999999999999'), valuation('87500', { ts: T })),
    );
    expect(r.ids('MF-6')).toEqual([]);
  });

  it('MF-6: a loan clearly covered at one valuation is judged again after its lots or its debt change', () => {
    // 2 BTC at 97000 × 0.4 = 77600 against 70000: covered. Releasing 1 BTC halves the value; then a repayment and a
    // new pledge cover it again; a later draw leaves it short.
    const r = run(
      events(
        pledge({ qty: '2', price: '97000' }),
        draw('70000'),
        valuation('97000', { ts: T }),
        release('1'),
        valuation('97000', { ts: T }),
        repay('40000'),
        valuation('97000', { ts: T }),
        pledge({ qty: '1', price: '97000' }),
        draw('40000'),
        valuation('97000', { ts: T }),
        draw('20000'),
        valuation('97000', { ts: T }),
      ),
    );
    expect(r.ids('MF-6')).toEqual(['c-12', 'c-5']);
  });

  it('MF-6: a loan holding several assets is valued with the latest price of each', () => {
    // 1 BTC × 100000 × 0.4 + 10 ETH × 3000 × 0.4 = 52000 against 50000: covered; ETH at 2400 gives 49600: short.
    const eth = { asset: 'ETH', qty: '10', price: '3000' };
    const r = run(
      events(
        pledge({ qty: '1', price: '100000' }),
        pledge(eth),
        draw('50000'),
        valuation('3000', { asset: 'ETH', ts: T }),
        valuation('2400', { asset: 'ETH', ts: T }),
      ),
    );
    expect(r.ids('MF-6')).toEqual(['c-5']);
  });

  it('MF-6: findings equal an exact re-valuation of every loan holding the asset at each valuation', () => {
    const loanIds = ['L-1', 'L-2', 'L-3'];
    const assets = ['BTC', 'ETH', 'XRP'];
    const decimal = (min: number, max: number) =>
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min: 0, max: 999_999 }))
        .map(([i, f]) => `${i}.${String(f).padStart(6, '0')}`);
    const loan = fc.constantFrom(...loanIds);
    const asset = fc.constantFrom(...assets);
    const qty = fc.integer({ min: 1, max: 3000 }).map((n) => `${n / 1000}`);
    const event = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('pledge' as const),
          loan,
          asset,
          qty,
          price: decimal(50_000, 150_000),
          haircut: fc.constantFrom('0', '0.5', '0.6', '0.65', '0.999', '1', '1.2'),
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('draw' as const), loan, amount: decimal(0, 40_000) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('repay' as const), loan, amount: decimal(0, 40_000) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), loan, asset, qty }) },
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('valuation' as const), asset, price: decimal(20_000, 150_000) }),
      },
    );
    fc.assert(
      fc.property(fc.array(event, { minLength: 10, maxLength: 80 }), (spec) => {
        const evs = events(
          ...spec.map((e) => {
            if (e.kind === 'pledge') {
              return pledge({ loan_id: e.loan, asset: e.asset, qty: e.qty, price: e.price, haircut: e.haircut });
            }
            if (e.kind === 'draw') return draw(e.amount, { loan_id: e.loan });
            if (e.kind === 'repay') return repay(e.amount, { loan_id: e.loan });
            if (e.kind === 'release') return release(e.qty, { loan_id: e.loan, asset: e.asset });
            return valuation(e.price, { asset: e.asset, ts: T });
          }),
        );
        const expected = exactMf6(evs);
        const found = run(evs)
          .findings.filter((f) => f.check_id === 'MF-6')
          .map((f) => ({ subject: f.subject, loans: (f.evidence as { loans: unknown }).loans }));
        expect(found.sort((a, b) => a.subject.localeCompare(b.subject))).toEqual(
          expected.sort((a, b) => a.subject.localeCompare(b.subject)),
        );
      }),
      { numRuns: 1500, seed: 20261122 },
    );
  });
});

/** MF-6 by its sentence, without margin calls: every loan holding the asset is re-valued exactly at each valuation. */
function exactMf6(evs: CollateralEvent[]): { subject: string; loans: unknown }[] {
  const ledger = new CollateralLedger();
  const out: { subject: string; loans: unknown }[] = [];
  for (const ev of evs) {
    ledger.apply(ev);
    if (ev.event !== 'valuation' || ev.asset == null) continue;
    const loans = [];
    for (const loanId of ledger.loansHolding(ev.asset)) {
      const outstanding = ledger.outstanding(loanId);
      const value = lendingValue(ledger, loanId, DEFAULT_PARAMETERS);
      if (outstanding.gt(0) && outstanding.gt(value)) {
        loans.push({
          loan_id: loanId,
          account_id: ledger.loan(loanId)?.account_id ?? null,
          outstanding: outstanding.toString(),
          lending_value: value.toString(),
        });
      }
    }
    if (loans.length > 0) out.push({ subject: ev.event_id, loans });
  }
  return out;
}
