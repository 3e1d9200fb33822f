/**
 * The margin ledger (V2.md "margin"): every sentence of the balance, fund, deficit and coverage definitions, at the
 * boundaries PERP-4..6 judge (a balance of exactly zero, a fund exactly equal to what is uncovered, an adl with
 * nothing left to cover, a ref that is not a liquidation at a lower seq), and checkpoints that continue exactly.
 */
import { describe, expect, it } from 'vitest';
import type { MarginEvent } from '#shared/contract/recordsV2.js';
import { MarginLedgerError } from '#shared/margin/errors.js';
import { MarginLedger, type MarginStep } from '#shared/margin/marginLedger.js';
import { ev, events } from './helpers.js';

function replay(evs: MarginEvent[], ledger = new MarginLedger()): { ledger: MarginLedger; steps: MarginStep[] } {
  return { ledger, steps: evs.map((e) => ledger.apply(e)) };
}

const text = (d: { toString(): string } | null | undefined) => (d == null ? null : d.toString());

/** What PERP-4..6 read of a step, as plain text (for equality across checkpoints). */
function view(s: MarginStep) {
  return {
    mark: s.mark,
    account: s.account && { id: s.account.account_id, before: text(s.account.before), after: text(s.account.after) },
    refAccount: s.refAccount && { id: s.refAccount.account_id, after: text(s.refAccount.after) },
    fund: [text(s.fundBefore), text(s.fundAfter)],
    ref:
      s.ref === null
        ? null
        : s.ref.kind === 'unresolved'
          ? s.ref
          : {
              liquidation: s.ref.liquidation.mark.event_id,
              before: text(s.ref.uncoveredBefore),
              after: text(s.ref.uncoveredAfter),
            },
    deficit: text(s.liquidation?.deficit),
  };
}

describe('margin balance', () => {
  it('deposit, credit and positive pnl/funding/liquidation add; withdraw and fee subtract; negatives add', () => {
    const { ledger, steps } = replay(
      events(
        { event: 'deposit', account_id: 'A', asset: 'HKD', asset_class: 'fiat', amount: '100' },
        { event: 'credit', account_id: 'A', amount: '10.5' },
        { event: 'pnl', account_id: 'A', symbol: 'BTC-PERP', amount: '2.25' },
        { event: 'pnl', account_id: 'A', symbol: 'BTC-PERP', amount: '-1.25' },
        { event: 'pnl', account_id: 'A', symbol: 'BTC-PERP', amount: '0' },
        { event: 'withdraw', account_id: 'A', amount: '30' },
        { event: 'fee', account_id: 'A', amount: '0.5' },
        {
          event: 'funding',
          account_id: 'A',
          symbol: 'BTC-PERP',
          interval_start: '2026-02-12T00:00:00Z',
          position_qty: '-1',
          mark_price: '100',
          rate: '0.01',
          amount: '1',
        },
        {
          event: 'funding',
          account_id: 'A',
          symbol: 'BTC-PERP',
          interval_start: '2026-02-12T08:00:00Z',
          position_qty: '1',
          mark_price: '100',
          rate: '0.02',
          amount: '-2',
        },
        { event: 'liquidation', account_id: 'A', symbol: 'BTC-PERP', position_qty: '1', mark_price: '90', amount: '4' },
        { event: 'funding_rate', symbol: 'BTC-PERP', interval_start: '2026-02-12T08:00:00Z', rate: '0.02' },
      ),
    );
    expect(steps.map((s) => text(s.account?.after))).toEqual([
      '100',
      '110.5',
      '112.75',
      '111.5',
      '111.5',
      '81.5',
      '81',
      '82',
      '80',
      '84',
      null,
    ]);
    expect(steps[5]!.account!.before.toString()).toBe('111.5');
    expect(ledger.balance('A').toString()).toBe('84');
    expect(ledger.fund.toString()).toBe('0');
    expect(ledger.applied).toBe(11);
  });

  it('keeps accounts apart, and moves an account the reference data may not know (DQ-5 does not stop it)', () => {
    const { ledger } = replay(
      events(
        { event: 'credit', account_id: 'A', amount: '5' },
        { event: 'credit', account_id: 'NOT-IN-ACCOUNTS', amount: '7' },
        { event: 'fee', account_id: 'A', amount: '1' },
      ),
    );
    expect(ledger.balance('A').toString()).toBe('4');
    expect(ledger.balance('NOT-IN-ACCOUNTS').toString()).toBe('7');
    expect(ledger.balance('never-seen').toString()).toBe('0');
  });

  it('a balance of exactly zero after a withdraw is not below zero; one cent more is', () => {
    const { steps } = replay(
      events(
        { event: 'deposit', account_id: 'A', asset: 'USD', asset_class: 'fiat', amount: '10.00' },
        { event: 'withdraw', account_id: 'A', amount: '10' },
        { event: 'fee', account_id: 'A', amount: '0.01' },
      ),
    );
    expect(steps[1]!.account!.after.eq(0)).toBe(true);
    expect(steps[1]!.account!.after.lt(0)).toBe(false);
    expect(steps[2]!.account!.after.toString()).toBe('-0.01');
    expect(steps[2]!.account!.after.lt(0)).toBe(true);
  });
});

describe('insurance fund', () => {
  it('is the sum of every insurance amount; a contribution moves the fund only, a payout credits |amount|', () => {
    const { ledger, steps } = replay(
      events(
        { event: 'insurance', amount: '1000' },
        { event: 'insurance', amount: '0' },
        { event: 'insurance', amount: '-0.00' },
        // A contribution's account_id and ref are not used (the contract has them null).
        { event: 'insurance', amount: '5', account_id: 'A', ref: 'm-99' },
        { event: 'insurance', amount: '-40', account_id: 'B', ref: 'nothing' },
      ),
    );
    expect(steps.map((s) => [text(s.fundBefore), text(s.fundAfter)])).toEqual([
      ['0', '1000'],
      ['1000', '1000'],
      ['1000', '1000'],
      ['1000', '1005'],
      ['1005', '965'],
    ]);
    expect(steps.slice(0, 4).map((s) => [s.account, s.ref])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(ledger.balance('A').toString()).toBe('0');
    // A payout whose ref is no liquidation still moves the fund and credits its account, but covers nothing.
    expect(view(steps[4]!).account).toEqual({ id: 'B', before: '0', after: '40' });
    expect(steps[4]!.ref).toEqual({ kind: 'unresolved', ref: 'nothing', reason: 'no liquidation has this event_id' });
    expect(ledger.fund.toString()).toBe('965');
  });

  it('may go below zero (payouts beyond contributions)', () => {
    const { ledger } = replay(
      events(
        { event: 'deposit', account_id: 'A', asset: 'USD', asset_class: 'fiat', amount: '1' },
        { event: 'liquidation', account_id: 'A', symbol: 'P', position_qty: '-2', mark_price: '5', amount: '-11' },
        { event: 'insurance', amount: '-10', account_id: 'A', ref: 'm-2' },
      ),
    );
    expect(ledger.fund.toString()).toBe('-10');
    expect(ledger.balance('A').toString()).toBe('0');
  });
});

describe('liquidation deficit and coverage', () => {
  const base = [
    { event: 'deposit', account_id: 'L', asset: 'USD', asset_class: 'fiat', amount: '100' },
    { event: 'deposit', account_id: 'W', asset: 'USD', asset_class: 'fiat', amount: '1000' },
  ] as const;

  it('the deficit is minus the balance just after the liquidation when negative; zero and above leave none', () => {
    const { steps } = replay(
      events(
        ...base,
        { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '3', mark_price: '1', amount: '-150' },
        { event: 'credit', account_id: 'Z', amount: '10' },
        { event: 'liquidation', account_id: 'Z', symbol: 'P', position_qty: '3', mark_price: '1', amount: '-10' },
        { event: 'liquidation', account_id: 'W', symbol: 'P', position_qty: '-3', mark_price: '1', amount: '5' },
      ),
    );
    expect(steps[2]!.liquidation!.deficit.toString()).toBe('50');
    expect(steps[4]!.account!.after.toString()).toBe('0');
    expect(steps[4]!.liquidation!.deficit.toString()).toBe('0');
    expect(steps[5]!.liquidation!.deficit.toString()).toBe('0');
  });

  it('a liquidation that credits an account already below zero still leaves the rest as its deficit', () => {
    const { steps } = replay(
      events(
        { event: 'credit', account_id: 'L', amount: '1' },
        { event: 'withdraw', account_id: 'L', amount: '21' },
        { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '1', mark_price: '1', amount: '5' },
      ),
    );
    expect(steps[2]!.liquidation!.deficit.toString()).toBe('15');
  });

  it('payouts and adl naming it cover it; the adl credits the liquidated account; uncovered is max(0, …)', () => {
    const { ledger, steps } = replay(
      events(
        ...base,
        { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '3', mark_price: '1', amount: '-150' },
        { event: 'insurance', amount: '20' },
        { event: 'insurance', amount: '-20', account_id: 'L', ref: 'm-3' },
        { event: 'adl', account_id: 'W', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '25', ref: 'm-3' },
        { event: 'adl', account_id: 'W', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '9', ref: 'm-3' },
      ),
    );
    expect(view(steps[4]!)).toMatchObject({
      account: { id: 'L', before: '-50', after: '-30' },
      fund: ['20', '0'],
      ref: { liquidation: 'm-3', before: '50', after: '30' },
    });
    expect(view(steps[5]!)).toMatchObject({
      account: { id: 'W', before: '1000', after: '975' },
      refAccount: { id: 'L', after: '-5' },
      fund: ['0', '0'],
      ref: { liquidation: 'm-3', before: '30', after: '5' },
    });
    // Over-coverage: the last adl covers more than was left; nothing stays uncovered, never less than zero.
    expect(view(steps[6]!).ref).toEqual({ liquidation: 'm-3', before: '5', after: '0' });
    const [liq] = ledger.liquidations();
    expect(liq!.deficit.toString()).toBe('50');
    expect(liq!.covered.toString()).toBe('54');
    expect(liq!.covers.map((c) => [c.mark.event_id, c.event, c.account_id, c.amount.toString()])).toEqual([
      ['m-5', 'insurance', 'L', '20'],
      ['m-6', 'adl', 'W', '25'],
      ['m-7', 'adl', 'W', '9'],
    ]);
    expect(ledger.uncovered(liq!).toString()).toBe('0');
    expect(ledger.balance('L').toString()).toBe('4');
  });

  it('PERP-6 boundary: the fund exactly equal to what is uncovered (held at least), and one cent less', () => {
    const run = (fund: string) =>
      replay(
        events(
          ...base,
          { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '3', mark_price: '1', amount: '-150.25' },
          { event: 'insurance', amount: fund },
          { event: 'adl', account_id: 'W', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '1', ref: 'm-3' },
        ),
      ).steps[4]!;
    const equal = run('50.25');
    if (equal.ref?.kind !== 'liquidation') throw new Error('ref did not resolve');
    expect(equal.fundBefore.toString()).toBe('50.25');
    expect(equal.ref.uncoveredBefore.toString()).toBe('50.25');
    expect(equal.fundBefore.gte(equal.ref.uncoveredBefore)).toBe(true);
    const less = run('50.24');
    if (less.ref?.kind !== 'liquidation') throw new Error('ref did not resolve');
    expect(less.fundBefore.gte(less.ref.uncoveredBefore)).toBe(false);
  });

  it('an adl with nothing left to cover: uncovered 0, so the fund holds at least that whenever it is ≥ 0', () => {
    const { steps } = replay(
      events(
        ...base,
        // No deficit at all.
        { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '1', mark_price: '1', amount: '-100' },
        { event: 'adl', account_id: 'W', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '3', ref: 'm-3' },
        // Fully covered already, then the fund below zero.
        { event: 'liquidation', account_id: 'W', symbol: 'P', position_qty: '1', mark_price: '1', amount: '-1000' },
        { event: 'insurance', amount: '-3', account_id: 'W', ref: 'm-5' },
        { event: 'adl', account_id: 'L', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '1', ref: 'm-5' },
      ),
    );
    const [noDeficit, afterCover] = [steps[3]!, steps[6]!];
    if (noDeficit.ref?.kind !== 'liquidation' || afterCover.ref?.kind !== 'liquidation') throw new Error('unresolved');
    expect(noDeficit.ref.uncoveredBefore.toString()).toBe('0');
    expect(noDeficit.fundBefore.toString()).toBe('0');
    expect(noDeficit.fundBefore.gte(noDeficit.ref.uncoveredBefore)).toBe(true);
    expect(afterCover.ref.liquidation.deficit.toString()).toBe('3');
    expect(afterCover.ref.uncoveredBefore.toString()).toBe('0');
    expect(afterCover.fundBefore.toString()).toBe('-3');
    expect(afterCover.fundBefore.gte(afterCover.ref.uncoveredBefore)).toBe(false);
  });
});

describe('refs that are not a liquidation at a lower seq', () => {
  it('a liquidation at the same seq (a duplicate seq, earlier in file order) does not count', () => {
    const ledger = new MarginLedger();
    ledger.apply(ev(1, { event: 'credit', account_id: 'W', amount: '10' }));
    ledger.apply(
      ev(2, { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '1', mark_price: '1', amount: '-5' }),
    );
    const adl = ledger.apply({
      ...ev(2, {
        event: 'adl',
        account_id: 'W',
        symbol: 'P',
        position_qty: '-1',
        mark_price: '1',
        amount: '5',
        ref: 'm-2',
      }),
      event_id: 'm-2b',
    });
    expect(adl.ref).toEqual({ kind: 'unresolved', ref: 'm-2', reason: 'the liquidation is not at a lower seq' });
    // Still debits its account; credits nobody; covers nothing.
    expect(view(adl).account).toEqual({ id: 'W', before: '10', after: '5' });
    expect(adl.refAccount).toBeNull();
    expect(ledger.balance('L').toString()).toBe('-5');
    expect(ledger.liquidations()[0]!.covered.toString()).toBe('0');
    // The same ref one seq later resolves.
    expect('liquidation' in ledger.resolveRef('m-2', 3)).toBe(true);
    expect(ledger.resolveRef('m-2', 2)).toEqual({ reason: 'the liquidation is not at a lower seq' });
  });

  it('a ref to a later liquidation, to another kind of event, or to nothing covers nothing', () => {
    const { ledger, steps } = replay(
      events(
        { event: 'credit', account_id: 'W', amount: '100' },
        { event: 'adl', account_id: 'W', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '5', ref: 'm-4' },
        { event: 'insurance', amount: '-5', account_id: 'L', ref: 'm-1' },
        { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '1', mark_price: '1', amount: '-50' },
      ),
    );
    expect(steps[1]!.ref).toMatchObject({ kind: 'unresolved', reason: 'no liquidation has this event_id' });
    expect(steps[2]!.ref).toMatchObject({ kind: 'unresolved', reason: 'no liquidation has this event_id' });
    expect(ledger.balance('W').toString()).toBe('95');
    expect(ledger.fund.toString()).toBe('-5');
    // L: +5 from the payout, −50 from the liquidation: the deficit is measured on that balance (45), uncovered.
    expect(steps[3]!.liquidation!.deficit.toString()).toBe('45');
    expect(ledger.liquidations()[0]!.covers).toEqual([]);
  });

  it('two liquidations sharing an event_id: a ref names the first; both stay listed for PERP-5', () => {
    const ledger = new MarginLedger();
    ledger.apply(
      ev(1, { event: 'liquidation', account_id: 'L1', symbol: 'P', position_qty: '1', mark_price: '1', amount: '-5' }),
    );
    ledger.apply({
      ...ev(2, {
        event: 'liquidation',
        account_id: 'L2',
        symbol: 'P',
        position_qty: '1',
        mark_price: '1',
        amount: '-7',
      }),
      event_id: 'm-1',
    });
    const payout = ledger.apply(ev(3, { event: 'insurance', amount: '-5', account_id: 'L1', ref: 'm-1' }));
    expect(payout.ref).toMatchObject({ kind: 'liquidation', liquidation: { account_id: 'L1' } });
    expect(ledger.liquidations().map((l) => [l.account_id, l.deficit.toString(), l.covered.toString()])).toEqual([
      ['L1', '5', '5'],
      ['L2', '7', '0'],
    ]);
  });
});

describe('checkpoints', () => {
  const all = events(
    { event: 'deposit', account_id: 'L', asset: 'USD', asset_class: 'fiat', amount: '100' },
    { event: 'insurance', amount: '70' },
    { event: 'liquidation', account_id: 'L', symbol: 'P', position_qty: '3', mark_price: '1', amount: '-150' },
    { event: 'insurance', amount: '-20', account_id: 'L', ref: 'm-3' },
    { event: 'adl', account_id: 'W', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '10', ref: 'm-3' },
    { event: 'credit', account_id: 'W', amount: '0.000000001' },
    { event: 'adl', account_id: 'W', symbol: 'P', position_qty: '-1', mark_price: '1', amount: '30', ref: 'm-3' },
    { event: 'liquidation', account_id: 'W', symbol: 'P', position_qty: '1', mark_price: '1', amount: '-1' },
  );

  it('continues exactly after a structured-clone round trip, cut at every point', () => {
    const whole = replay(all);
    for (let cut = 0; cut <= all.length; cut++) {
      const first = replay(all.slice(0, cut));
      const resumed = new MarginLedger();
      resumed.loadState(structuredClone(first.ledger.saveState()));
      const rest = replay(all.slice(cut), resumed);
      expect([...first.steps, ...rest.steps].map(view), `cut ${cut}`).toEqual(whole.steps.map(view));
      expect(resumed.saveState(), `cut ${cut}`).toEqual(whole.ledger.saveState());
    }
  });

  it('loads into a fresh ledger only', () => {
    const { ledger } = replay(all.slice(0, 2));
    expect(() => ledger.loadState(new MarginLedger().saveState())).toThrow(MarginLedgerError);
  });
});

describe('the last step', () => {
  it('is what the last apply returned: null before any, and after an apply that threw', () => {
    const ledger = new MarginLedger();
    expect(ledger.lastStep).toBeNull();
    const [d, w] = events(
      { event: 'deposit', account_id: 'A', asset: 'USD', asset_class: 'fiat', amount: '5' },
      { event: 'withdraw', account_id: 'A', amount: '7' },
    );
    const step = ledger.apply(d!);
    expect(ledger.lastStep).toBe(step);
    ledger.apply(w!);
    expect(ledger.lastStep?.mark.event_id).toBe('m-2');
    expect(ledger.lastStep?.account?.after.toString()).toBe('-2');
    // A record the contract would have set aside (DQ-1): the ledger refuses it and has no last step.
    const broken = { ...ev(3, { event: 'fee', account_id: 'A', amount: '1' }), account_id: null } as MarginEvent;
    expect(() => ledger.apply(broken)).toThrow(MarginLedgerError);
    expect(ledger.lastStep).toBeNull();
  });
});
