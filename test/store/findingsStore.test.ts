import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '#shared/contract/finding.js';
import {
  FindingNotFoundError,
  RunNotFoundError,
  StoreConfigError,
  StoreIntegrityError,
  StoreValidationError,
  StoreWriteError,
} from '#shared/store/errors.js';
import { findingJsonLine } from '#shared/store/findingJson.js';
import type { FindingsStore } from '#shared/store/findingsStore.js';
import {
  countsFor,
  DAY1,
  DAY2,
  dropFromFirstBatchWrite,
  finding,
  type Harness,
  openHarness,
  runStart,
} from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

const AT = new Date('2026-02-15T09:00:00.000Z');

async function fullRun(
  store: FindingsStore,
  runId: string,
  venue: string,
  findings: Finding[],
  period = DAY1,
  startedAt?: string,
) {
  await store.startRun(runStart(runId, venue, period, startedAt));
  await store.recordFindings({ run_id: runId, venue, ...period }, findings);
  return store.completeRun(runId, countsFor(findings), { at: AT });
}

describe('tables', () => {
  it('creates the table idempotently and refuses an existing table of another design', async () => {
    await h.store.ensureTables();
    await h.store.ensureTables();
    await h.stack.dynamo.send(
      new CreateTableCommand({
        TableName: 'other-design',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await expect(h.newStore({ tableName: 'other-design' }).ensureTables()).rejects.toBeInstanceOf(StoreConfigError);
  });
});

describe('runs', () => {
  it('records the run: dataset root, input hashes, parameters, rules version, status and counts per check', async () => {
    const running = await h.store.startRun(runStart('r-1', 'HKVX'));
    expect(running).toMatchObject({
      run_id: 'r-1',
      venue: 'HKVX',
      status: 'running',
      dataset_root: 's3://raw-logs/venue=HKVX/date=2026-02-12/',
      rules_version: 'rules-1',
      attempts: 1,
      error: null,
      counts: null,
    });
    expect(running.inputs[1]).toEqual({ path: 'orders.jsonl.gz', sha256: 'b'.repeat(64), size: 123456 });
    expect(running.parameters).toEqual({
      haircut_floor: '0.60',
      eligible_va_collateral: ['BTC', 'ETH'],
      margin_call_within: 'PT1H',
    });
    const fs = [finding('r-1', 'HKVX', 'CP-1', 't-1'), finding('r-1', 'HKVX', 'CP-1', 't-2', { severity: 'critical' })];
    await h.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, fs);
    const counts = { ...countsFor(fs), 'MF-1': { examined: 4, not_tested: 1, findings: {} } };
    const done = await h.store.completeRun('r-1', counts, { at: AT });
    expect(done).toMatchObject({ status: 'completed', completed_at: AT.toISOString(), findings_total: 2, counts });
    expect(await h.store.getRun('r-1')).toEqual(done);
    expect(await h.store.getRun('r-missing')).toBeUndefined();
  });

  it('a failed run keeps its error; rerunning it clears the error and completes it', async () => {
    await h.store.startRun(runStart('r-1', 'HKVX'));
    await h.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, [
      finding('r-1', 'HKVX', 'CP-1', 'partial'),
    ]);
    const failed = await h.store.failRun('r-1', new Error('orders.jsonl.gz: unexpected end of file'), { at: AT });
    expect(failed).toMatchObject({ status: 'failed', error: 'Error: orders.jsonl.gz: unexpected end of file' });
    expect(failed.failed_at).toBe(AT.toISOString());

    const rerun = await h.store.startRun(runStart('r-1', 'HKVX', DAY1, '2026-02-14T02:00:00.000Z'));
    expect(rerun).toMatchObject({ status: 'running', error: null, failed_at: null, attempts: 2 });
    // the partial findings of the failed attempt are gone; the rerun's are complete
    expect(await h.store.runFindings('r-1')).toEqual([]);
    const fs = [finding('r-1', 'HKVX', 'CP-1', 't-1'), finding('r-1', 'HKVX', 'CP-2', 't-1')];
    await h.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, fs);
    const done = await h.store.completeRun('r-1', countsFor(fs));
    expect(done).toMatchObject({ status: 'completed', error: null, findings_total: 2, attempts: 2 });
  });

  it('refuses to complete a run whose stored findings differ from its counts, and fails unknown runs', async () => {
    await h.store.startRun(runStart('r-1', 'HKVX'));
    await h.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, [finding('r-1', 'HKVX', 'CP-1', 't-1')]);
    await expect(
      h.store.completeRun('r-1', { 'CP-1': { examined: 3, not_tested: 0, findings: { high: 2 } } }),
    ).rejects.toBeInstanceOf(StoreIntegrityError);
    expect((await h.store.getRun('r-1'))?.status).toBe('running');
    await expect(h.store.completeRun('r-nope', {})).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(h.store.failRun('r-nope', 'x')).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it('finds the latest run of a venue for a period, optionally by status', async () => {
    await fullRun(h.store, 'r-old', 'HKVX', [], DAY1, '2026-02-14T01:00:00.000Z');
    await h.store.startRun(runStart('r-new', 'HKVX', DAY1, '2026-02-14T05:00:00.000Z'));
    await h.store.failRun('r-new', 'boom');
    await fullRun(h.store, 'r-day2', 'HKVX', [], DAY2, '2026-02-15T01:00:00.000Z');
    await fullRun(h.store, 'r-other', 'OTHR', [], DAY1, '2026-02-14T09:00:00.000Z');
    expect((await h.store.latestRun('HKVX', DAY1))?.run_id).toBe('r-new');
    expect((await h.store.latestRun('HKVX', DAY1, { status: 'completed' }))?.run_id).toBe('r-old');
    expect((await h.store.latestRun('HKVX', DAY2))?.run_id).toBe('r-day2');
    expect(await h.store.latestRun('NONE', DAY1)).toBeUndefined();
    // the same instant written differently is the same period
    expect(
      (
        await h.store.latestRun('HKVX', {
          period_start: '2026-02-12T00:00:00.000Z',
          period_end: '2026-02-13T00:00:00Z',
        })
      )?.run_id,
    ).toBe('r-new');
  });
});

describe('runs of a venue over a range (period reports)', () => {
  it('lists the runs whose period starts in [from, to), in period order, of that venue only', async () => {
    await fullRun(h.store, 'r-day1', 'HKVX', [], DAY1, '2026-02-14T01:00:00.000Z');
    await fullRun(h.store, 'r-day2', 'HKVX', [], DAY2, '2026-02-15T01:00:00.000Z');
    await fullRun(h.store, 'r-other', 'OTHR', [], DAY1, '2026-02-14T09:00:00.000Z');
    const all = await h.store.listRuns('HKVX', { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' });
    expect(all.map((r) => r.run_id)).toEqual(['r-day1', 'r-day2']);
    const first = await h.store.listRuns('HKVX', { from: '2026-02-12T00:00:00Z', to: '2026-02-13T00:00:00Z' });
    expect(first.map((r) => r.run_id)).toEqual(['r-day1']);
    const second = await h.store.listRuns('HKVX', {
      from: '2026-02-12T00:00:00.000000001Z',
      to: '2026-02-14T00:00:00Z',
    });
    expect(second.map((r) => r.run_id)).toEqual(['r-day2']);
    expect(await h.store.listRuns('NONE', { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toEqual([]);
  });
});

describe('findings', () => {
  it('lists all findings of a run exactly as findings.jsonl: same lines, sorted by check_id then subject', async () => {
    const fs = [
      finding('r-1', 'HKVX', 'MF-1', 'c-9', { account_id: null, symbol: null, seq: null, ts: null }),
      finding('r-1', 'HKVX', 'CP-1', 't-20'),
      finding('r-1', 'HKVX', 'CP-1', 't-100', { evidence: { nested: { b: 2, a: [1, 'x', null] }, price: '0.10' } }),
      finding('r-1', 'HKVX', 'AC-2', 'u-1', { severity: 'low' }),
    ];
    await fullRun(h.store, 'r-1', 'HKVX', fs);
    const expected = [fs[3], fs[2], fs[1], fs[0]].map((f) => findingJsonLine(f as Finding));
    expect((await h.store.runFindings('r-1')).map(findingJsonLine)).toEqual(expected);
    const listed = await h.store.listFindings({ run_id: 'r-1' });
    expect(listed.map((f) => f.subject)).toEqual(['u-1', 't-100', 't-20', 'c-9']);
    expect(listed.every((f) => f.status === 'open' && f.period_start === DAY1.period_start)).toBe(true);
    expect(await h.store.runFindings('r-unknown')).toEqual([]);
  });

  it('a rerun updates the same findings and never resets a status a person set', async () => {
    const fs = [finding('r-1', 'HKVX', 'CP-1', 't-1'), finding('r-1', 'HKVX', 'CP-1', 't-2')];
    await fullRun(h.store, 'r-1', 'HKVX', fs);
    const id = fs[0]?.finding_id as string;
    await h.store.respond(id, { status: 'acknowledged', by: 'alice', note: 'looking', at: AT });

    // same inputs: same run_id again
    await fullRun(h.store, 'r-1', 'HKVX', fs);
    // corrected files: another run_id, same venue and period, so the same finding ids; one severity changed
    const corrected = [
      finding('r-2', 'HKVX', 'CP-1', 't-1', { severity: 'critical', detail: 'corrected detail' }),
      finding('r-2', 'HKVX', 'CP-1', 't-2'),
    ];
    await fullRun(h.store, 'r-2', 'HKVX', corrected, DAY1, '2026-02-14T03:00:00.000Z');

    const all = await h.store.listFindings({ venue: 'HKVX' });
    expect(all).toHaveLength(2);
    const f1 = await h.store.getFinding(id);
    expect(f1).toMatchObject({
      status: 'acknowledged',
      version: 1,
      run_id: 'r-2',
      first_run_id: 'r-1',
      severity: 'critical',
      detail: 'corrected detail',
    });
    expect(f1?.history).toEqual([{ status: 'acknowledged', by: 'alice', at: AT.toISOString(), note: 'looking' }]);
    // each run still lists exactly what it reported
    expect((await h.store.runFindings('r-1')).map((f) => f.severity)).toEqual(['high', 'high']);
    expect((await h.store.runFindings('r-2')).map((f) => f.severity)).toEqual(['critical', 'high']);
    expect((await h.store.listFindings({ run_id: 'r-1' }))[0]?.status).toBe('acknowledged');
  });

  it('a completed run retires nothing; accepting one retires what it does not report (status kept) and revives', async () => {
    const fs = [finding('r-1', 'HKVX', 'CP-1', 't-1'), finding('r-1', 'HKVX', 'CP-1', 't-2')];
    await fullRun(h.store, 'r-1', 'HKVX', fs);
    await h.store.acceptRun('r-1', { by: 'officer', at: AT });
    const gone = fs[1]?.finding_id as string;
    await h.store.respond(gone, { status: 'acknowledged', by: 'bob', at: AT });
    await fullRun(h.store, 'r-2', 'HKVX', [finding('r-2', 'HKVX', 'CP-1', 't-1')], DAY1, '2026-02-14T03:00:00.000Z');
    expect((await h.store.getFinding(gone))?.retired_by_run).toBeNull();
    const accepted = await h.store.acceptRun('r-2', { by: 'officer', at: AT });
    expect(accepted.retired.map((f) => f.finding_id)).toEqual([gone]);
    expect((await h.store.getFinding(gone))?.retired_by_run).toBe('r-2');
    expect((await h.store.getFinding(gone))?.status).toBe('acknowledged');
    expect((await h.store.listFindings({ venue: 'HKVX' })).map((f) => f.subject)).toEqual(['t-1']);
    expect((await h.store.listFindings({ venue: 'HKVX', include_retired: true })).map((f) => f.subject)).toEqual([
      't-1',
      't-2',
    ]);
    // r-1 still lists both: a run listing is what that run reported
    expect(await h.store.runFindings('r-1')).toHaveLength(2);
    await fullRun(h.store, 'r-3', 'HKVX', [finding('r-3', 'HKVX', 'CP-1', 't-2')], DAY1, '2026-02-14T04:00:00.000Z');
    await h.store.acceptRun('r-3', { by: 'officer', at: AT });
    expect(await h.store.getFinding(gone)).toMatchObject({
      retired_by_run: null,
      status: 'acknowledged',
      run_id: 'r-3',
    });
  });

  it('retries UnprocessedItems of a batch write to completion (nothing lost)', async () => {
    const injected = dropFromFirstBatchWrite(h.stack.dynamo, 10);
    const fs = Array.from({ length: 60 }, (_, i) => finding('r-1', 'HKVX', 'CP-1', `t-${String(i).padStart(3, '0')}`));
    await fullRun(h.store, 'r-1', 'HKVX', fs);
    expect(injected.dropped()).toBe(10);
    expect(h.sleeps.length).toBeGreaterThan(0); // backed off before retrying
    expect((await h.store.runFindings('r-1')).map(findingJsonLine)).toEqual(fs.map(findingJsonLine));
  });

  it('fails loudly when items stay unprocessed after every attempt', async () => {
    const store = h.newStore({ maxAttempts: 1 });
    dropFromFirstBatchWrite(h.stack.dynamo, 3);
    await store.startRun(runStart('r-1', 'HKVX'));
    await expect(
      store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, [
        finding('r-1', 'HKVX', 'CP-1', 'a'),
        finding('r-1', 'HKVX', 'CP-1', 'b'),
        finding('r-1', 'HKVX', 'CP-1', 'c'),
        finding('r-1', 'HKVX', 'CP-1', 'd'),
      ]),
    ).rejects.toBeInstanceOf(StoreWriteError);
  });

  it('offloads a finding over 400 KB to the blob store and reads it back byte-exact', async () => {
    const big = 'x'.repeat(450_000);
    const f = finding('r-1', 'HKVX', 'DQ-1', 'big', { evidence: { raw: big, file: 'orders.jsonl', line: 3 } });
    const small = finding('r-1', 'HKVX', 'DQ-1', 'small');
    await fullRun(h.store, 'r-1', 'HKVX', [f, small]);
    const raw = await h.stack.dynamo.send(
      new GetItemCommand({
        TableName: 'findings-test',
        Key: { pk: { S: `F#${f.finding_id}` }, sk: { S: 'FINDING' } },
      }),
    );
    expect(raw.Item?.finding_json).toBeUndefined();
    expect(raw.Item?.finding_ref?.M?.location?.S).toMatch(/^s3:\/\/test-evidence\/findings\//);
    expect(findingJsonLine((await h.store.getFinding(f.finding_id)) as Finding)).toBe(findingJsonLine(f));
    expect((await h.store.runFindings('r-1')).map(findingJsonLine)).toEqual([
      findingJsonLine(f),
      findingJsonLine(small),
    ]);
    // a status change keeps the offloaded content
    await h.store.respond(f.finding_id, { status: 'remediated', by: 'ops', at: AT });
    expect((await h.store.listFindings({ check_id: 'DQ-1', status: 'remediated' }))[0]?.evidence).toEqual(f.evidence);
  });

  it('refuses an oversized finding when no blob store is configured', async () => {
    const store = h.newStore({ blobs: undefined });
    await store.startRun(runStart('r-1', 'HKVX'));
    const f = finding('r-1', 'HKVX', 'DQ-1', 'big', { evidence: { raw: 'y'.repeat(200_000) } });
    await expect(store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, [f])).rejects.toBeInstanceOf(
      StoreValidationError,
    );
  });

  it('validates findings: run, venue, unique ids, severity', async () => {
    await h.store.startRun(runStart('r-1', 'HKVX'));
    const ref = { run_id: 'r-1', venue: 'HKVX', ...DAY1 };
    await expect(h.store.recordFindings(ref, [finding('r-9', 'HKVX', 'CP-1', 'a')])).rejects.toThrow(/belongs to run/);
    await expect(h.store.recordFindings(ref, [finding('r-1', 'OTHR', 'CP-1', 'a')])).rejects.toThrow(/venue/);
    await expect(
      h.store.recordFindings(ref, [finding('r-1', 'HKVX', 'CP-1', 'a'), finding('r-1', 'HKVX', 'CP-1', 'a')]),
    ).rejects.toThrow(/twice/);
    await expect(
      h.store.recordFindings(ref, [finding('r-1', 'HKVX', 'CP-1', 'a', { severity: 'urgent' as never })]),
    ).rejects.toBeInstanceOf(StoreValidationError);
  });

  it('accepts findings as an async stream', async () => {
    await h.store.startRun(runStart('r-1', 'HKVX'));
    async function* stream() {
      for (let i = 0; i < 30; i++) yield finding('r-1', 'HKVX', 'CP-1', `s-${String(i).padStart(2, '0')}`);
    }
    expect(await h.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, stream())).toEqual({ written: 30 });
    expect(await h.store.runFindings('r-1')).toHaveLength(30);
  });
});

describe('queries across runs', () => {
  beforeEach(async () => {
    await fullRun(h.store, 'r-d1', 'HKVX', [
      finding('r-d1', 'HKVX', 'CP-1', 't-1', { ts: '2026-02-12T03:00:00Z', account_id: 'MM-1' }),
      finding('r-d1', 'HKVX', 'CP-1', 't-2', {
        ts: '2026-02-12T23:59:59.999999999Z',
        account_id: 'C-7',
        severity: 'critical',
      }),
      finding('r-d1', 'HKVX', 'MF-2', 'c-1', { ts: null, account_id: 'C-7', severity: 'medium' }),
    ]);
    await fullRun(
      h.store,
      'r-d2',
      'HKVX',
      [
        finding('r-d2', 'HKVX', 'CP-1', 't-9', { ts: '2026-02-13T00:00:00Z', account_id: 'MM-1', period: DAY2 }),
        finding('r-d2', 'HKVX', 'AC-1', 'u-1', {
          ts: '2026-02-13T10:00:00Z',
          account_id: null,
          severity: 'low',
          period: DAY2,
        }),
      ],
      DAY2,
      '2026-02-15T01:00:00.000Z',
    );
    await fullRun(h.store, 'r-o1', 'OTHR', [
      finding('r-o1', 'OTHR', 'CP-1', 't-1', { ts: '2026-02-12T05:00:00Z', account_id: 'MM-1', severity: 'critical' }),
    ]);
  });

  it('findings of one check across runs in a date range [from, to)', async () => {
    const ids = (fs: { venue: string; subject: string }[]) => fs.map((f) => `${f.venue}/${f.subject}`);
    expect(ids(await h.store.findingsByCheck('CP-1'))).toEqual(['HKVX/t-1', 'OTHR/t-1', 'HKVX/t-2', 'HKVX/t-9']);
    expect(ids(await h.store.findingsByCheck('CP-1', '2026-02-12T00:00:00Z', '2026-02-13T00:00:00Z'))).toEqual([
      'HKVX/t-1',
      'OTHR/t-1',
      'HKVX/t-2',
    ]);
    expect(ids(await h.store.findingsByCheck('CP-1', '2026-02-13T00:00:00Z'))).toEqual(['HKVX/t-9']);
    expect(ids(await h.store.findingsByCheck('CP-1', undefined, '2026-02-12T04:00:00Z'))).toEqual(['HKVX/t-1']);
    // a finding without ts is dated by its period start
    expect(
      ids(await h.store.findingsByCheck('MF-2', '2026-02-12T00:00:00Z', '2026-02-12T00:00:00.000000001Z')),
    ).toEqual(['HKVX/c-1']);
    expect(await h.store.findingsByCheck('CP-1', '2026-03-01T00:00:00Z')).toEqual([]);
  });

  it('findings of one account across runs and venues', async () => {
    expect((await h.store.findingsByAccount('MM-1')).map((f) => `${f.venue}/${f.subject}`)).toEqual([
      'HKVX/t-1',
      'OTHR/t-1',
      'HKVX/t-9',
    ]);
    expect((await h.store.findingsByAccount('C-7')).map((f) => f.subject)).toEqual(['t-2', 'c-1']);
    expect(await h.store.findingsByAccount('NOBODY')).toEqual([]);
  });

  it('open findings of a venue, most severe first, optionally by severity', async () => {
    const t1 = (await h.store.findingsByCheck('CP-1')).find((f) => f.venue === 'HKVX' && f.subject === 't-1');
    await h.store.respond(t1?.finding_id as string, {
      status: 'false_positive',
      by: 'carol',
      note: 'MM-1 order was a client order mislabelled',
      at: AT,
    });
    const open = await h.store.openFindings('HKVX');
    expect(open.map((f) => `${f.severity}/${f.subject}`)).toEqual([
      'critical/t-2',
      'high/t-9',
      'medium/c-1',
      'low/u-1',
    ]);
    expect((await h.store.openFindings('HKVX', 'critical')).map((f) => f.subject)).toEqual(['t-2']);
    expect(await h.store.openFindings('HKVX', 'high').then((fs) => fs.map((f) => f.subject))).toEqual(['t-9']);
    expect((await h.store.openFindings('OTHR')).map((f) => f.subject)).toEqual(['t-1']);
  });

  it('listFindings combines every filter whatever index serves it', async () => {
    const t2 = (await h.store.findingsByAccount('C-7'))[0];
    await h.store.respond(t2?.finding_id as string, { status: 'acknowledged', by: 'dan', at: AT });
    const subjects = async (q: Parameters<FindingsStore['listFindings']>[0]) =>
      (await h.store.listFindings(q)).map((f) => `${f.venue}/${f.subject}`);
    expect(await subjects({ status: 'acknowledged' })).toEqual(['HKVX/t-2']);
    expect(await subjects({ venue: 'HKVX', status: 'open' })).toEqual(['HKVX/u-1', 'HKVX/t-1', 'HKVX/t-9', 'HKVX/c-1']);
    expect(await subjects({ check_id: 'CP-1', severity: 'critical' })).toEqual(['OTHR/t-1', 'HKVX/t-2']);
    expect(await subjects({ check_id: 'CP-1', venue: 'OTHR' })).toEqual(['OTHR/t-1']);
    expect(await subjects({ account_id: 'C-7', status: 'open' })).toEqual(['HKVX/c-1']);
    expect(await subjects({ run_id: 'r-d1', status: 'acknowledged' })).toEqual(['HKVX/t-2']);
    expect(await subjects({ run_id: 'r-d1', check_id: 'CP-1', from: '2026-02-12T04:00:00Z' })).toEqual(['HKVX/t-2']);
    expect(await subjects({ venue: 'HKVX', severity: 'low' })).toEqual(['HKVX/u-1']);
    expect((await subjects({})).length).toBe(6);
    await expect(h.store.listFindings({ from: '12 Feb 2026' })).rejects.toThrow(/timestamp/);
  });
});

describe('case management', () => {
  let id: string;
  beforeEach(async () => {
    const f = finding('r-1', 'HKVX', 'CP-1', 't-1');
    id = f.finding_id;
    await fullRun(h.store, 'r-1', 'HKVX', [f]);
  });

  it('appends every response to the history and sets the status', async () => {
    await h.store.respond(id, { status: 'acknowledged', by: 'alice', at: '2026-02-15T09:00:00Z' });
    const after = await h.store.respond(id, {
      status: 'remediated',
      by: 'bob',
      note: 'priority logic fixed in release 4.2',
      at: new Date('2026-02-16T10:00:00Z'),
    });
    expect(after.status).toBe('remediated');
    expect(after.version).toBe(2);
    expect(after.history).toEqual([
      { status: 'acknowledged', by: 'alice', at: '2026-02-15T09:00:00Z', note: null },
      { status: 'remediated', by: 'bob', at: '2026-02-16T10:00:00.000Z', note: 'priority logic fixed in release 4.2' },
    ]);
  });

  it('concurrent responders on one finding all land in the history', async () => {
    const responders = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(
      responders.map((by, i) =>
        h.store.respond(id, { status: i % 2 === 0 ? 'acknowledged' : 'remediated', by, note: `n-${by}`, at: AT }),
      ),
    );
    const f = await h.store.getFinding(id);
    expect(h.sleeps.length).toBeGreaterThan(0); // some responders lost a race and retried
    expect(f?.version).toBe(responders.length);
    expect(f?.history.map((e) => e.by).sort()).toEqual(responders);
    expect(f?.status).toBe(f?.history.at(-1)?.status);
    // the index agrees with the item
    const byStatus = await h.store.listFindings({ venue: 'HKVX', status: f?.status });
    expect(byStatus.map((x) => x.finding_id)).toEqual([id]);
  });

  it('validates responses', async () => {
    await expect(h.store.respond('f-none', { status: 'acknowledged', by: 'a', at: AT })).rejects.toBeInstanceOf(
      FindingNotFoundError,
    );
    await expect(h.store.respond(id, { status: 'closed' as never, by: 'a', at: AT })).rejects.toThrow(/unknown status/);
    await expect(h.store.respond(id, { status: 'acknowledged', by: ' ', at: AT })).rejects.toThrow(/by/);
    await expect(h.store.respond(id, { status: 'false_positive', by: 'a', at: AT })).rejects.toThrow(/note/);
    await expect(h.store.respond(id, { status: 'accepted_risk', by: 'a', note: '', at: AT })).rejects.toThrow(/note/);
    await expect(h.store.respond(id, { status: 'acknowledged', by: 'a', at: 'yesterday' })).rejects.toThrow(
      /timestamp/,
    );
    expect((await h.store.getFinding(id))?.version).toBe(0);
  });
});
