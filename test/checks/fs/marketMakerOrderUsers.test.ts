import { describe, expect, it } from 'vitest';
import { marketMakerOrderUsersRule } from '#shared/checks/fs/marketMakerOrderUsers.js';
import { drive, makeCtx, makeRef, only, ord, subjects } from './fixtures.js';

const run = (orders: ReturnType<typeof ord>[], ref = makeRef()) =>
  drive([marketMakerOrderUsersRule()], ref, { orders });

describe('FS-1 affiliated MM orders entered only by MM-entity market-making staff', () => {
  it('FS-1: an MM order entered, amended and cancelled by its own market-making staff is fine', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'MM-1', event: 'amend', user_id: 'u-mm1', mm_tag: true, qty: '2' }),
      ord({ seq: 3, order_id: 'o-1', account_id: 'MM-1', event: 'cancel', user_id: 'u-mm1' }),
    ]);
    expect(subjects(sink, 'FS-1')).toEqual([]);
    expect(sink.population('FS-1')).toEqual({ examined: 1, notTested: {} });
  });

  it('FS-1: a system expire with no user_id on an MM order is fine (attributed to nobody)', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'MM-1', event: 'expire', user_id: null }),
    ]);
    expect(subjects(sink, 'FS-1')).toEqual([]);
  });

  it('FS-1: an MM order amended by operator staff is a high finding naming the event and user', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'MM-1', event: 'amend', user_id: 'u-ops', mm_tag: true }),
    ]);
    const f = only(sink, 'FS-1');
    expect(f).toMatchObject({ severity: 'high', subject: 'o-1', account_id: 'MM-1', symbol: 'BTC-USD', seq: 2 });
    expect(f.evidence).toMatchObject({ event: 'amend', user_id: 'u-ops', user_entity_id: 'E-OP', seq: 2 });
    expect(f.detail).toContain('u-ops');
  });

  it('FS-1: a user not in staff (e.g. a client login) on an MM order is a finding', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'c1-api', mm_tag: true })]);
    expect(only(sink, 'FS-1').evidence).toMatchObject({ user_in_staff: false, user_id: 'c1-api' });
  });

  it('FS-1: MM-entity staff with a function other than market_making is a finding', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm-risk', mm_tag: true })]);
    expect(subjects(sink, 'FS-1')).toEqual(['o-1']);
  });

  it("FS-1: a third-party MM's market-making staff on an affiliated MM order is a finding (not of an MM entity)", () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-tp', mm_tag: true })]);
    expect(subjects(sink, 'FS-1')).toEqual(['o-1']);
  });

  it('FS-1: market-making staff of another MM entity is still MM-entity market-making staff (fine)', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm2', mm_tag: true })]);
    expect(subjects(sink, 'FS-1')).toEqual([]);
  });

  it('FS-1: a third-party MM order, tagged or not, is not FS-1 business', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'TP-1', user_id: 'u-tp', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'TP-1', user_id: 'u-tp', mm_tag: false }),
      ord({ seq: 3, order_id: 'o-3', account_id: 'C-R', user_id: 'u-ops' }),
    ]);
    expect(subjects(sink, 'FS-1')).toEqual([]);
    expect(sink.population('FS-1').examined).toBe(0);
  });

  it('FS-1: one finding per order, keeping the first offending event', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-ops', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'MM-1', event: 'amend', user_id: 'c1-api', mm_tag: true }),
      ord({ seq: 3, order_id: 'o-2', account_id: 'MM-1', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 4, order_id: 'o-2', account_id: 'MM-1', event: 'cancel', user_id: 'u-op-eng' }),
    ]);
    expect(subjects(sink, 'FS-1')).toEqual(['o-1', 'o-2']);
    expect(sink.findings().find((f) => f.subject === 'o-1')?.evidence).toMatchObject({ user_id: 'u-ops', seq: 1 });
    expect(sink.population('FS-1').examined).toBe(2);
  });

  it("FS-1: the order's account is the one it was entered with, not what a later event repeats", () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'C-R', event: 'cancel', user_id: 'c1-api' }),
    ]);
    expect(only(sink, 'FS-1')).toMatchObject({ subject: 'o-1', account_id: 'MM-1' });
  });

  it('FS-1: an order of an account absent from reference is not tested', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'X-9', user_id: 'u-ops' })]);
    expect(subjects(sink, 'FS-1')).toEqual([]);
    expect(Object.values(sink.population('FS-1').notTested)).toEqual([1]);
  });

  it('FS-1: events the replay sets aside (DQ-6) are otherwise ignored', () => {
    const { ctx, sink } = makeCtx();
    const rule = marketMakerOrderUsersRule();
    // A cancel of an order the replay does not know.
    rule.onOrderEvent?.(
      ord({ seq: 1, order_id: 'o-x', account_id: 'MM-1', event: 'cancel', user_id: 'u-ops' }),
      undefined,
      ctx,
    );
    const view = {
      order_id: 'o-1',
      symbol: 'BTC-USD',
      account_id: 'MM-1',
      side: 'buy' as const,
      type: 'limit' as const,
      tif: 'gtc' as const,
      price: '100',
      mm_tag: true,
    };
    // An amend of a closed order, and a second `new` of a known order.
    rule.onOrderEvent?.(
      ord({ seq: 2, order_id: 'o-1', account_id: 'MM-1', event: 'amend', user_id: 'u-ops', mm_tag: true }),
      { ...view, closed: true },
      ctx,
    );
    rule.onOrderEvent?.(
      ord({ seq: 3, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-ops' }),
      {
        ...view,
        closed: false,
      },
      ctx,
    );
    expect(sink.findings()).toEqual([]);
    // The same amend on an open order is judged.
    rule.onOrderEvent?.(
      ord({ seq: 4, order_id: 'o-1', account_id: 'MM-1', event: 'amend', user_id: 'u-ops', mm_tag: true }),
      { ...view, closed: false },
      ctx,
    );
    expect(subjects(sink, 'FS-1')).toEqual(['o-1']);
  });
});
