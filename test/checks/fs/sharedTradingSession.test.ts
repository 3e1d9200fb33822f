import { describe, expect, it } from 'vitest';
import { sharedTradingSessionRule } from '#shared/checks/fs/sharedTradingSession.js';
import { drive, makeRef, only, ord, subjects } from './fixtures.js';

const run = (orders: ReturnType<typeof ord>[]) => drive([sharedTradingSessionRule()], makeRef(), { orders });

describe('FS-3 gateway sessions carry affiliated MM orders only, or none', () => {
  it('FS-3: two affiliated MM accounts sharing a session is fine', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', session_id: 's-mm', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'MM-2', session_id: 's-mm', user_id: 'u-mm2', mm_tag: true }),
      ord({ seq: 3, order_id: 'o-3', account_id: 'C-R', session_id: 's-c', user_id: 'cr-api' }),
      ord({ seq: 4, order_id: 'o-4', account_id: 'C-P', session_id: 's-c', user_id: 'cp-api' }),
    ]);
    expect(subjects(sink, 'FS-3')).toEqual([]);
    // The population is order events (4, in 2 sessions); findings are per session.
    expect(sink.population('FS-3')).toEqual({ examined: 4, notTested: {} });
  });

  it('FS-3: an MM order and a client order in one session is a high finding with both sides in evidence', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', session_id: 's-1', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'C-R', session_id: 's-1', user_id: 'cr-api' }),
      ord({ seq: 3, order_id: 'o-1', account_id: 'MM-1', event: 'cancel', session_id: 's-1', user_id: 'u-mm1' }),
    ]);
    const f = only(sink, 'FS-3');
    expect(f).toMatchObject({ severity: 'high', subject: 's-1', seq: 2, account_id: 'C-R' });
    expect(f.evidence).toMatchObject({
      affiliated_mm: { first_order_ids: ['o-1'], order_events: 2, first_account_ids: ['MM-1'] },
      other: { first_order_ids: ['o-2'], order_events: 1, first_accounts: [{ account_id: 'C-R', role: 'client' }] },
      first_shared_at: { order_id: 'o-2', seq: 2 },
    });
  });

  it('FS-3: a session shared with a third-party MM or a platform account is a finding', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'TP-1', session_id: 's-1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'MM-1', session_id: 's-1', mm_tag: true }),
      ord({ seq: 3, order_id: 'o-3', account_id: 'MM-1', session_id: 's-2', mm_tag: true }),
      ord({ seq: 4, order_id: 'o-4', account_id: 'PL-1', session_id: 's-2' }),
    ]);
    expect(subjects(sink, 'FS-3')).toEqual(['s-1', 's-2']);
  });

  it('FS-3: an account absent from reference is not affiliated MM, so sharing with it is a finding', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', session_id: 's-1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'X-9', session_id: 's-1' }),
    ]);
    expect(only(sink, 'FS-3').evidence).toMatchObject({
      other: { first_accounts: [{ account_id: 'X-9', role: 'unknown' }] },
    });
  });

  it('FS-3: the session of a later event counts too (an MM order amended through a client session)', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', session_id: 's-mm', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'C-R', session_id: 's-c' }),
      ord({ seq: 3, order_id: 'o-1', account_id: 'MM-1', event: 'amend', session_id: 's-c', mm_tag: true }),
    ]);
    expect(subjects(sink, 'FS-3')).toEqual(['s-c']);
  });

  it('FS-3: events without a session_id are not tested and share nothing', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', session_id: null, mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'C-R', session_id: null }),
    ]);
    expect(subjects(sink, 'FS-3')).toEqual([]);
    expect(sink.population('FS-3')).toEqual({ examined: 0, notTested: { 'order events without a session_id': 2 } });
  });

  it('FS-3: evidence keeps the first 10 distinct order ids of each side and full counts', () => {
    const orders = [ord({ seq: 0, order_id: 'm-0', account_id: 'MM-1', session_id: 's-1', mm_tag: true })];
    for (let i = 1; i <= 12; i += 1) {
      orders.push(ord({ seq: i, order_id: `c-${i}`, account_id: i % 2 ? 'C-R' : 'C-P', session_id: 's-1' }));
    }
    orders.push(ord({ seq: 13, order_id: 'c-1', account_id: 'C-R', event: 'cancel', session_id: 's-1' }));
    const ev = only(run(orders), 'FS-3').evidence as { other: { first_order_ids: string[]; order_events: number } };
    expect(ev.other.first_order_ids).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6', 'c-7', 'c-8', 'c-9', 'c-10']);
    expect(ev.other.order_events).toBe(13);
  });
});
