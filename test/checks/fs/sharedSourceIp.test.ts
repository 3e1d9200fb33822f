import { describe, expect, it } from 'vitest';
import { sharedSourceIpRule } from '#shared/checks/fs/sharedSourceIp.js';
import { acc, drive, makeRef, only, ord, subjects } from './fixtures.js';

const run = (input: Parameters<typeof drive>[2], hasAccessLog = false) =>
  drive([sharedSourceIpRule()], makeRef({ hasAccessLog }), input);

describe('FS-5 no source IP shared by MM-entity staff and operator staff', () => {
  it('FS-5: an IP used only by MM staff (of two MM entities) is fine', () => {
    const sink = run({
      orders: [
        ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', source_ip: '10.0.0.1', mm_tag: true }),
        ord({ seq: 2, order_id: 'o-2', account_id: 'MM-2', user_id: 'u-mm2', source_ip: '10.0.0.1', mm_tag: true }),
        ord({ seq: 3, order_id: 'o-3', account_id: 'PL-1', user_id: 'u-ops', source_ip: '10.9.9.9' }),
      ],
    });
    expect(subjects(sink, 'FS-5')).toEqual([]);
    // The population is staff events (3, on 2 IPs); findings are per IP.
    expect(sink.population('FS-5')).toEqual({ examined: 3, notTested: {} });
  });

  it('FS-5: on orders alone when there is no access log, MM and operator staff on one IP is a medium finding', () => {
    const sink = run({
      orders: [
        ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', source_ip: '10.0.0.1', mm_tag: true }),
        ord({ seq: 2, order_id: 'o-2', account_id: 'PL-1', user_id: 'u-ops', source_ip: '10.0.0.1' }),
      ],
    });
    const f = only(sink, 'FS-5');
    expect(f).toMatchObject({ severity: 'medium', subject: '10.0.0.1', seq: 2 });
    expect(f.evidence).toMatchObject({
      access_log_included: false,
      mm_entity_staff: { user_ids: ['u-mm1'], first_order_ids: ['o-1'], order_events: 1, access_events: 0 },
      operator_staff: { user_ids: ['u-ops'], first_order_ids: ['o-2'], order_events: 1 },
      first_shared_at: { stream: 'orders', id: 'o-2' },
    });
    expect(f.detail).toMatch(/no access log/);
  });

  it('FS-5: via the access log only', () => {
    const sink = run(
      {
        access: [
          acc({
            seq: 1,
            event_id: 'a-1',
            user_id: 'u-mm-risk',
            source_ip: '10.0.0.7',
            resource: 'r',
            classification: 'public',
          }),
          acc({
            seq: 2,
            event_id: 'a-2',
            user_id: 'u-op-eng',
            source_ip: '10.0.0.7',
            resource: 'r',
            classification: 'internal',
          }),
        ],
      },
      true,
    );
    const f = only(sink, 'FS-5');
    expect(f.evidence).toMatchObject({
      access_log_included: true,
      mm_entity_staff: { first_access_event_ids: ['a-1'], access_events: 1, order_events: 0 },
      operator_staff: { first_access_event_ids: ['a-2'], access_events: 1 },
      first_shared_at: { stream: 'access', id: 'a-2' },
    });
  });

  it('FS-5: an MM order and an operator access event on one IP is a finding', () => {
    const sink = run(
      {
        orders: [
          ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', source_ip: '10.0.0.1', mm_tag: true }),
        ],
        access: [
          acc({
            seq: 1,
            event_id: 'a-1',
            user_id: 'u-ops',
            source_ip: '10.0.0.1',
            resource: 'r',
            classification: 'public',
          }),
        ],
      },
      true,
    );
    expect(subjects(sink, 'FS-5')).toEqual(['10.0.0.1']);
  });

  it('FS-5: clients, third-party MM staff and system events on an MM IP are not operator staff', () => {
    const sink = run({
      orders: [
        ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', source_ip: '10.0.0.1', mm_tag: true }),
        ord({ seq: 2, order_id: 'o-2', account_id: 'C-R', user_id: 'cr-api', source_ip: '10.0.0.1' }),
        ord({ seq: 3, order_id: 'o-3', account_id: 'TP-1', user_id: 'u-tp', source_ip: '10.0.0.1', mm_tag: true }),
        ord({ seq: 4, order_id: 'o-1', account_id: 'MM-1', event: 'expire', user_id: null, source_ip: '10.0.0.1' }),
      ],
    });
    expect(subjects(sink, 'FS-5')).toEqual([]);
  });

  it('FS-5: a null, empty or blank source_ip names no address (not tested, never shared)', () => {
    const sink = run({
      orders: [
        ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-mm1', source_ip: null, mm_tag: true }),
        ord({ seq: 2, order_id: 'o-2', account_id: 'PL-1', user_id: 'u-ops', source_ip: null }),
        ord({ seq: 3, order_id: 'o-3', account_id: 'MM-1', user_id: 'u-mm1', source_ip: '', mm_tag: true }),
        ord({ seq: 4, order_id: 'o-4', account_id: 'PL-1', user_id: 'u-ops', source_ip: '  ' }),
      ],
    });
    expect(subjects(sink, 'FS-5')).toEqual([]);
    expect(sink.population('FS-5')).toEqual({ examined: 0, notTested: { 'staff events without a source_ip': 4 } });
  });

  it('FS-5: evidence keeps the first 10 ids per side with full counts', () => {
    const orders = [ord({ seq: 0, order_id: 'op-0', account_id: 'PL-1', user_id: 'u-ops', source_ip: '10.0.0.1' })];
    for (let i = 1; i <= 11; i += 1) {
      orders.push(
        ord({ seq: i, order_id: `m-${i}`, account_id: 'MM-1', user_id: 'u-mm1', source_ip: '10.0.0.1', mm_tag: true }),
      );
    }
    const ev = only(run({ orders }), 'FS-5').evidence as {
      mm_entity_staff: { first_order_ids: string[]; order_events: number };
    };
    expect(ev.mm_entity_staff.first_order_ids).toHaveLength(10);
    expect(ev.mm_entity_staff.order_events).toBe(11);
  });
});
