/**
 * Official runs and sign-off: a completed run is a draft until accepted; a draft never changes another run's findings
 * nor their review state; accepting a run makes the current view follow it and retires exactly what it no longer
 * reports; an accepted run is frozen; concurrent acceptances get one clear outcome.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '#shared/contract/finding.js';
import {
  RunNotAcceptableError,
  RunNotFoundError,
  StoreIntegrityError,
  StoreValidationError,
} from '#shared/store/errors.js';
import type { FindingsStore } from '#shared/store/findingsStore.js';
import { instantKey, keys } from '#shared/store/tableDesign.js';
import {
  countsFor,
  DAY1,
  DAY2,
  finding,
  type Harness,
  onceBefore,
  openHarness,
  putsViewItems,
  runStart,
} from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

const AT = '2026-02-15T09:00:00.000Z';
const LATER = '2026-02-16T09:00:00.000Z';

async function fullRun(
  store: FindingsStore,
  runId: string,
  findings: Finding[],
  opts: { startedAt?: string; parameters?: Record<string, unknown>; period?: typeof DAY1 } = {},
) {
  const period = opts.period ?? DAY1;
  const start = runStart(runId, 'HKVX', period, opts.startedAt);
  await store.startRun(opts.parameters ? { ...start, parameters: opts.parameters } : start);
  await store.recordFindings({ run_id: runId, venue: 'HKVX', ...period }, findings);
  return store.completeRun(runId, countsFor(findings), { at: AT });
}

const f = (run: string, subject: string, more: Parameters<typeof finding>[4] = {}) =>
  finding(run, 'HKVX', 'CP-1', subject, more);
const id = (subject: string) => f('x', subject).finding_id;

/** Whether a command is the conditional put that claims a period for a run being accepted. */
const claimsPeriod = (name: string, input: Record<string, unknown>) =>
  /^Put(Item)?Command$/.test(name) && String((input.Item as { pk?: unknown } | undefined)?.pk).startsWith('P#');

/** The official findings of HKVX (the current view) and a run's listing, as comparable values. */
async function snapshot(runId: string) {
  return {
    view: await h.store.listFindings({ venue: 'HKVX' }),
    run: await h.store.listFindings({ run_id: runId }),
  };
}

describe('runs list', () => {
  it('lists every run newest first, or one venue’s; a run is a draft until accepted', async () => {
    await fullRun(h.store, 'r-1', [], { startedAt: '2026-02-14T01:00:00.000Z' });
    await fullRun(h.store, 'r-2', [], { startedAt: '2026-02-15T01:00:00.000Z', period: DAY2 });
    await h.store.startRun(runStart('r-o', 'OTHR', DAY1, '2026-02-14T05:00:00.000Z'));
    expect((await h.store.listAllRuns()).map((r) => r.run_id)).toEqual(['r-2', 'r-o', 'r-1']);
    expect((await h.store.listAllRuns({ venue: 'HKVX' })).map((r) => r.run_id)).toEqual(['r-2', 'r-1']);
    expect(await h.store.listAllRuns({ venue: 'NONE' })).toEqual([]);
    const [latest] = await h.store.listAllRuns({ venue: 'HKVX' });
    expect(latest).toMatchObject({ acceptance: null, supersedes: null, superseded_by: null, status: 'completed' });
  });
});

describe('drafts', () => {
  it('a draft with other parameters leaves the accepted run’s findings and their review state unchanged', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1'), f('r-1', 't-2'), f('r-1', 't-3', { severity: 'critical' })]);
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: AT, note: 'reviewed' });
    await h.store.respond(id('t-2'), { status: 'acknowledged', by: 'alice', note: 'looking', at: AT });
    const before = await snapshot('r-1');
    const statesBefore = await Promise.all(['t-1', 't-2', 't-3'].map((s) => h.store.getFinding(id(s))));

    // a trial: other parameters, t-1 judged differently, t-2 and t-3 not reported, t-9 new
    await fullRun(
      h.store,
      'r-trial',
      [f('r-trial', 't-1', { severity: 'low', detail: 'trial' }), f('r-trial', 't-9')],
      {
        startedAt: '2026-02-14T05:00:00.000Z',
        parameters: { haircut_floor: '0.90' },
      },
    );

    expect(await snapshot('r-1')).toEqual(before);
    expect(await Promise.all(['t-1', 't-2', 't-3'].map((s) => h.store.getFinding(id(s))))).toEqual(statesBefore);
    expect((await h.store.getRun('r-1'))?.superseded_by).toBeNull();
    // the trial keeps its own listing; its new finding exists (so it can be answered) outside the view
    expect((await h.store.runFindings('r-trial')).map((x) => [x.subject, x.severity])).toEqual([
      ['t-1', 'low'],
      ['t-9', 'high'],
    ]);
    expect(await h.store.getFinding(id('t-9'))).toMatchObject({ retired_by_run: 'r-1', run_id: 'r-trial' });
    const answered = await h.store.respond(id('t-9'), { status: 'acknowledged', by: 'bob', at: AT });
    expect(answered.status).toBe('acknowledged');
    expect((await snapshot('r-1')).view).toEqual(before.view);
  });

  it('before any acceptance the view holds every completed run’s findings, as the last to complete reported them', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1'), f('r-1', 't-2')]);
    await fullRun(h.store, 'r-2', [f('r-2', 't-1', { severity: 'critical' }), f('r-2', 't-3')], {
      startedAt: '2026-02-14T03:00:00.000Z',
    });
    const view = await h.store.listFindings({ venue: 'HKVX' });
    expect(view.map((x) => [x.subject, x.run_id, x.severity, x.retired_by_run])).toEqual([
      ['t-1', 'r-2', 'critical', null],
      ['t-2', 'r-1', 'high', null],
      ['t-3', 'r-2', 'high', null],
    ]);
    // a failed or unfinished run never reaches the view
    await h.store.startRun(runStart('r-3', 'HKVX', DAY1, '2026-02-14T04:00:00.000Z'));
    await h.store.recordFindings({ run_id: 'r-3', venue: 'HKVX', ...DAY1 }, [f('r-3', 't-4')]);
    await h.store.failRun('r-3', 'boom', { at: AT });
    expect(await h.store.getFinding(id('t-4'))).toBeUndefined();
  });

  it('the first acceptance narrows the view to exactly the accepted run, restoring its content', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1'), f('r-1', 't-2')]);
    await fullRun(h.store, 'r-trial', [f('r-trial', 't-1', { severity: 'low' }), f('r-trial', 't-9')], {
      startedAt: '2026-02-14T03:00:00.000Z',
    });
    await h.store.respond(id('t-1'), { status: 'acknowledged', by: 'alice', at: AT });
    const result = await h.store.acceptRun('r-1', { by: 'J. Chan', at: AT });
    expect(result.superseded).toBeNull();
    expect(result.retired).toEqual([{ finding_id: id('t-9'), check_id: 'CP-1', severity: 'high', subject: 't-9' }]);
    const view = await h.store.listFindings({ venue: 'HKVX' });
    expect(view.map((x) => [x.subject, x.run_id, x.severity, x.status])).toEqual([
      ['t-1', 'r-1', 'high', 'acknowledged'],
      ['t-2', 'r-1', 'high', 'open'],
    ]);
  });
});

describe('accepting', () => {
  it('records who, when and the note; accepting a corrected run retires exactly what it no longer reports', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1'), f('r-1', 't-2'), f('r-1', 't-3'), f('r-1', 't-4')]);
    const first = await h.store.acceptRun('r-1', { by: ' J. Chan ', at: new Date(AT), note: 'February close' });
    expect(first.run).toMatchObject({
      acceptance: { by: 'J. Chan', at: AT, note: 'February close' },
      supersedes: null,
      superseded_by: null,
    });
    expect(await h.store.getRun('r-1')).toEqual(first.run);
    await h.store.respond(id('t-2'), { status: 'remediated', by: 'ops', note: 'fixed', at: AT });

    // corrected files: t-2 and t-4 no longer reported, t-1 changed, t-5 new
    await fullRun(
      h.store,
      'r-2',
      [f('r-2', 't-1', { detail: 'corrected' }), f('r-2', 't-3'), f('r-2', 't-5', { severity: 'medium' })],
      { startedAt: '2026-02-14T03:00:00.000Z' },
    );
    const second = await h.store.acceptRun('r-2', { by: 'M. Wong', at: LATER });
    expect(second.superseded).toBe('r-1');
    expect(second.retired.map((x) => x.subject)).toEqual(['t-2', 't-4']);
    expect(second.run).toMatchObject({ acceptance: { by: 'M. Wong', at: LATER, note: null }, supersedes: 'r-1' });
    expect((await h.store.getRun('r-1'))?.superseded_by).toBe('r-2');

    const all = await h.store.listFindings({ venue: 'HKVX', include_retired: true });
    expect(all.map((x) => [x.subject, x.run_id, x.retired_by_run, x.status])).toEqual([
      ['t-1', 'r-2', null, 'open'],
      ['t-2', 'r-1', 'r-2', 'remediated'],
      ['t-3', 'r-2', null, 'open'],
      ['t-4', 'r-1', 'r-2', 'open'],
      ['t-5', 'r-2', null, 'open'],
    ]);
    expect((await h.store.getFinding(id('t-1')))?.detail).toBe('corrected');
    // each run still lists exactly what it reported
    expect((await h.store.runFindings('r-1')).map((x) => x.subject)).toEqual(['t-1', 't-2', 't-3', 't-4']);
  });

  it('a response given while looking at a draft applies to the same finding in the accepted run', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1')]);
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: AT });
    await fullRun(h.store, 'r-2', [f('r-2', 't-1', { detail: 'corrected' })], { startedAt: '2026-02-14T03:00:00Z' });
    await h.store.respond(id('t-1'), { status: 'false_positive', by: 'alice', note: 'test account', at: AT });
    expect((await h.store.listFindings({ run_id: 'r-2' }))[0]).toMatchObject({ status: 'false_positive' });
    await h.store.acceptRun('r-2', { by: 'J. Chan', at: LATER });
    expect(await h.store.getFinding(id('t-1'))).toMatchObject({
      run_id: 'r-2',
      status: 'false_positive',
      version: 1,
      history: [{ status: 'false_positive', by: 'alice', at: AT, note: 'test account' }],
    });
  });

  it('refuses unknown, unfinished, failed and already accepted runs, and an acceptance without a name', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1')]);
    await h.store.startRun(runStart('r-running', 'HKVX', DAY1, '2026-02-14T02:00:00Z'));
    await h.store.startRun(runStart('r-failed', 'HKVX', DAY1, '2026-02-14T03:00:00Z'));
    await h.store.failRun('r-failed', 'boom', { at: AT });
    await expect(h.store.acceptRun('r-none', { by: 'a', at: AT })).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(h.store.acceptRun('r-running', { by: 'a', at: AT })).rejects.toThrow(
      'run r-running is running; only a completed run can be accepted',
    );
    await expect(h.store.acceptRun('r-failed', { by: 'a', at: AT })).rejects.toBeInstanceOf(RunNotAcceptableError);
    await expect(h.store.acceptRun('r-1', { by: ' ', at: AT })).rejects.toBeInstanceOf(StoreValidationError);
    await expect(h.store.acceptRun('r-1', { by: 'a', at: 'today' })).rejects.toThrow(/timestamp/);
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: AT });
    await expect(h.store.acceptRun('r-1', { by: 'M. Wong', at: LATER })).rejects.toThrow(
      `run r-1 was already accepted by J. Chan at ${AT}`,
    );
    await fullRun(h.store, 'r-2', [f('r-2', 't-1')], { startedAt: '2026-02-14T04:00:00Z' });
    await h.store.acceptRun('r-2', { by: 'M. Wong', at: LATER });
    await expect(h.store.acceptRun('r-1', { by: 'J. Chan', at: LATER })).rejects.toThrow(/superseded by run r-2/);
  });

  it('each venue and period has its own accepted run', async () => {
    await fullRun(h.store, 'r-d1', [f('r-d1', 't-1')]);
    await fullRun(h.store, 'r-d2', [f('r-d2', 't-1', { period: DAY2 })], { period: DAY2 });
    await h.store.acceptRun('r-d1', { by: 'a', at: AT });
    const second = await h.store.acceptRun('r-d2', { by: 'a', at: AT });
    expect(second.superseded).toBeNull();
    expect(second.retired).toEqual([]);
    expect((await h.store.getRun('r-d1'))?.superseded_by).toBeNull();
    expect(await h.store.listFindings({ venue: 'HKVX' })).toHaveLength(2);
  });
});

describe('an accepted run is frozen', () => {
  it('a rerun of it (same run_id) changes nothing, and one reporting anything differently fails loudly', async () => {
    const fs = [f('r-1', 't-1'), f('r-1', 't-2')];
    await fullRun(h.store, 'r-1', fs);
    const accepted = (await h.store.acceptRun('r-1', { by: 'J. Chan', at: AT })).run;
    expect(await fullRun(h.store, 'r-1', fs, { startedAt: '2026-02-20T00:00:00Z' })).toEqual(accepted);
    expect(await h.store.getRun('r-1')).toEqual(accepted);
    expect(await h.store.runFindings('r-1')).toEqual(fs);

    await h.store.startRun(runStart('r-1', 'HKVX', DAY1, '2026-02-21T00:00:00Z'));
    await expect(
      h.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, [f('r-1', 't-1', { detail: 'changed' })]),
    ).rejects.toBeInstanceOf(StoreIntegrityError);
    expect(await h.store.failRun('r-1', 'rerun failed', { at: LATER })).toEqual(accepted);
    expect(await h.store.runFindings('r-1')).toEqual(fs);
  });
});

describe('concurrency', () => {
  it('two people accepting the same run at once: one acceptance is recorded, the other is told whose', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1')]);
    const other = h.newStore();
    let otherResult: unknown;
    const hook = onceBefore(h.stack.dynamo, claimsPeriod, async () => {
      otherResult = await other.acceptRun('r-1', { by: 'M. Wong', at: AT });
    });
    await expect(h.store.acceptRun('r-1', { by: 'J. Chan', at: AT })).rejects.toThrow(
      `run r-1 was already accepted by M. Wong at ${AT}`,
    );
    expect(hook.fired()).toBe(true);
    expect(otherResult).toMatchObject({ run: { acceptance: { by: 'M. Wong' } } });
    expect((await h.store.getRun('r-1'))?.acceptance?.by).toBe('M. Wong');
  });

  it('two runs of one period accepted at once: one becomes official, the other is refused and changes nothing', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1'), f('r-1', 't-2')]);
    await fullRun(h.store, 'r-2', [f('r-2', 't-2'), f('r-2', 't-3')], { startedAt: '2026-02-14T03:00:00Z' });
    const other = h.newStore();
    onceBefore(h.stack.dynamo, claimsPeriod, async () => {
      await other.acceptRun('r-2', { by: 'M. Wong', at: AT });
    });
    await expect(h.store.acceptRun('r-1', { by: 'J. Chan', at: AT })).rejects.toThrow(
      'run r-2 of HKVX for the same period was accepted meanwhile; review it, then accept run r-1 again to supersede it',
    );
    expect((await h.store.getRun('r-1'))?.acceptance).toBeNull();
    expect((await h.store.listFindings({ venue: 'HKVX' })).map((x) => [x.subject, x.run_id])).toEqual([
      ['t-2', 'r-2'],
      ['t-3', 'r-2'],
    ]);
  });

  it('concurrent acceptances of the same run without any staging: exactly one succeeds', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1')]);
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((by) => h.newStore().acceptRun('r-1', { by, at: AT })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RunNotAcceptableError);
    }
  });

  it('a draft completing while the first run of its period is accepted ends with the view of the accepted run', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1'), f('r-1', 't-2')]);
    const other = h.newStore();
    // the draft has read "no accepted run" and is about to write its findings into the view
    const hook = onceBefore(
      h.stack.dynamo,
      (name, input) => /BatchWrite/.test(name) && putsViewItems(input) && JSON.stringify(input).includes('r-late'),
      async () => {
        await other.acceptRun('r-1', { by: 'J. Chan', at: AT });
      },
    );
    await fullRun(h.store, 'r-late', [f('r-late', 't-1', { severity: 'low' }), f('r-late', 't-9')], {
      startedAt: '2026-02-14T03:00:00Z',
    });
    expect(hook.fired()).toBe(true);
    expect((await h.store.listFindings({ venue: 'HKVX' })).map((x) => [x.subject, x.run_id, x.severity])).toEqual([
      ['t-1', 'r-1', 'high'],
      ['t-2', 'r-1', 'high'],
    ]);
    expect((await h.store.getFinding(id('t-9')))?.retired_by_run).toBe('r-1');
  });

  it('an acceptance interrupted after it claimed the period blocks others until it is finished by accepting again', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1'), f('r-1', 't-2')]);
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: AT });
    await fullRun(h.store, 'r-2', [f('r-2', 't-1')], { startedAt: '2026-02-14T03:00:00Z' });
    await fullRun(h.store, 'r-3', [f('r-3', 't-3')], { startedAt: '2026-02-14T04:00:00Z' });
    // what an acceptance of r-2 leaves when it stops right after claiming the period
    await putPeriodItem({ run_id: 'r-2', previous_run_id: 'r-1', seq: 2, settled: false });
    // meanwhile the view and the runs still show r-1 as the accepted run
    expect((await h.store.getRun('r-1'))?.superseded_by).toBeNull();
    expect(await h.store.listFindings({ venue: 'HKVX' })).toHaveLength(2);
    await expect(h.store.acceptRun('r-3', { by: 'M. Wong', at: LATER })).rejects.toThrow(
      'an acceptance of run r-2 for the same venue and period is in progress or was interrupted; accept run r-2 again to finish it, then accept run r-3 to supersede it',
    );
    const resumed = await h.store.acceptRun('r-2', { by: 'M. Wong', at: LATER });
    expect(resumed.superseded).toBe('r-1');
    expect(resumed.retired.map((x) => x.subject)).toEqual(['t-2']);
    expect((await h.store.getRun('r-1'))?.superseded_by).toBe('r-2');
    // settled: the next acceptance of the period goes through
    expect((await h.store.acceptRun('r-3', { by: 'M. Wong', at: LATER })).superseded).toBe('r-2');
  });

  it('an acceptance recorded but not settled (stopped at the last step) lets the next one through', async () => {
    await fullRun(h.store, 'r-1', [f('r-1', 't-1')]);
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: AT });
    await putPeriodItem({ run_id: 'r-1', previous_run_id: null, seq: 1, settled: false });
    await fullRun(h.store, 'r-2', [f('r-2', 't-2')], { startedAt: '2026-02-14T03:00:00Z' });
    const second = await h.store.acceptRun('r-2', { by: 'M. Wong', at: LATER });
    expect([second.superseded, second.retired.map((x) => x.subject)]).toEqual(['r-1', ['t-1']]);
  });
});

async function putPeriodItem(item: Record<string, unknown>) {
  await DynamoDBDocumentClient.from(h.stack.dynamo).send(
    new PutCommand({
      TableName: 'findings-test',
      Item: {
        ...keys.accepted('HKVX', instantKey(DAY1.period_start)!, instantKey(DAY1.period_end)!),
        entity: 'accepted',
        venue: 'HKVX',
        ...item,
      },
    }),
  );
}
