import { describe, expect, it } from 'vitest';
import { protectedOrderUsersRule } from '#shared/checks/fs/protectedOrderUsers.js';
import { drive, makeRef, only, ord, subjects } from './fixtures.js';

const run = (orders: ReturnType<typeof ord>[]) => drive([protectedOrderUsersRule()], makeRef(), { orders });

describe('FS-2 no MM-entity staff on protected or platform orders', () => {
  it('FS-2: client, third-party MM and platform orders entered by their own users are fine', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', user_id: 'cr-api' }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'TP-1', user_id: 'u-tp', mm_tag: true }),
      ord({ seq: 3, order_id: 'o-3', account_id: 'PL-1', user_id: 'u-ops' }),
      ord({ seq: 4, order_id: 'o-1', account_id: 'C-R', event: 'expire', user_id: null }),
    ]);
    expect(subjects(sink, 'FS-2')).toEqual([]);
    expect(sink.population('FS-2')).toEqual({ examined: 3, notTested: {} });
  });

  it('FS-2: a client order cancelled by MM-entity market-making staff is a high finding', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', user_id: 'cr-api' }),
      ord({ seq: 2, order_id: 'o-1', account_id: 'C-R', event: 'cancel', user_id: 'u-mm1' }),
    ]);
    const f = only(sink, 'FS-2');
    expect(f).toMatchObject({ severity: 'high', subject: 'o-1', account_id: 'C-R', seq: 2 });
    expect(f.evidence).toMatchObject({ user_id: 'u-mm1', user_entity_id: 'E-MM', account_role: 'client' });
  });

  it('FS-2: MM-entity staff of any function count (risk staff on a client order)', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'C-P', user_id: 'u-mm-risk' })]);
    expect(subjects(sink, 'FS-2')).toEqual(['o-1']);
  });

  it('FS-2: MM-entity staff on a third-party MM order or a platform order is a finding', () => {
    const sink = run([
      ord({ seq: 1, order_id: 'o-tp', account_id: 'TP-1', user_id: 'u-mm1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-pl', account_id: 'PL-1', user_id: 'u-mm2' }),
    ]);
    expect(subjects(sink, 'FS-2')).toEqual(['o-pl', 'o-tp']);
  });

  it('FS-2: MM staff on an affiliated MM order is not FS-2 business', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm-risk', mm_tag: true })]);
    expect(subjects(sink, 'FS-2')).toEqual([]);
    expect(sink.population('FS-2').examined).toBe(0);
  });

  it("FS-2: a third-party MM's own staff on a client order is not MM-entity staff", () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'C-R', user_id: 'u-tp' })]);
    expect(subjects(sink, 'FS-2')).toEqual([]);
  });

  it('FS-2: an order of an unknown account is not tested', () => {
    const sink = run([ord({ seq: 1, order_id: 'o-1', account_id: 'X-9', user_id: 'u-mm1' })]);
    expect(subjects(sink, 'FS-2')).toEqual([]);
    expect(Object.values(sink.population('FS-2').notTested)).toEqual([1]);
  });
});
