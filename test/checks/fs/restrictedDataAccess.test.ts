import { describe, expect, it } from 'vitest';
import { restrictedDataAccessRule } from '#shared/checks/fs/restrictedDataAccess.js';
import { acc, drive, makeRef, subjects } from './fixtures.js';

const withLog = makeRef({ hasAccessLog: true });
const run = (access: ReturnType<typeof acc>[], ref = withLog) => drive([restrictedDataAccessRule()], ref, { access });

describe('FS-4 MM-entity staff never access restricted resources', () => {
  it('FS-4: without an access log the check is not tested, never passed', () => {
    const sink = run([], makeRef({ hasAccessLog: false }));
    expect(sink.findings()).toEqual([]);
    const p = sink.population('FS-4');
    expect(p.examined).toBe(0);
    // The reason, with no count: events that were not delivered cannot be counted.
    expect(Object.values(p.notTested)).toEqual([0]);
    expect(Object.keys(p.notTested)[0]).toMatch(/no access log/);
  });

  it('FS-4: an access folder with no records is not tested either', () => {
    const p = run([]).population('FS-4');
    expect(p.examined).toBe(0);
    expect(Object.keys(p.notTested)).toEqual(['the access log holds no records']);
  });

  it('FS-4: a platform-operations user reading a restricted resource is not FS-4', () => {
    const sink = run([
      acc({ seq: 1, event_id: 'a-1', user_id: 'u-ops', resource: 'alerts', classification: 'restricted' }),
    ]);
    expect(subjects(sink, 'FS-4')).toEqual([]);
    expect(sink.population('FS-4')).toEqual({ examined: 1, notTested: {} });
  });

  it('FS-4: MM staff granted access to a restricted resource is high; a denied read is low', () => {
    const sink = run([
      acc({ seq: 1, event_id: 'a-1', user_id: 'u-mm1', resource: 'client-orders', classification: 'restricted' }),
      acc({
        seq: 2,
        event_id: 'a-2',
        user_id: 'u-mm-risk',
        resource: 'me-config',
        classification: 'restricted',
        action: 'export',
        granted: false,
      }),
    ]);
    const [a1, a2] = sink.findings();
    expect(a1).toMatchObject({ check_id: 'FS-4', subject: 'a-1', severity: 'high', seq: 1 });
    expect(a2).toMatchObject({ check_id: 'FS-4', subject: 'a-2', severity: 'low' });
    expect(a2?.evidence).toMatchObject({ action: 'export', granted: false, user_entity_id: 'E-MM' });
  });

  it('FS-4: MM staff on internal or public resources, unknown users and system events are fine', () => {
    const sink = run([
      acc({ seq: 1, event_id: 'a-1', user_id: 'u-mm1', resource: 'wiki', classification: 'internal' }),
      acc({ seq: 2, event_id: 'a-2', user_id: 'u-mm1', resource: 'prices', classification: 'public' }),
      acc({ seq: 3, event_id: 'a-3', user_id: null, resource: 'client-orders', classification: 'restricted' }),
      acc({ seq: 4, event_id: 'a-4', user_id: 'cr-api', resource: 'client-orders', classification: 'restricted' }),
      acc({ seq: 5, event_id: 'a-5', user_id: 'u-tp', resource: 'client-orders', classification: 'restricted' }),
    ]);
    expect(subjects(sink, 'FS-4')).toEqual([]);
    expect(sink.population('FS-4').examined).toBe(5);
  });
});
