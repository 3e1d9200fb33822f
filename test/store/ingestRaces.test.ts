/**
 * Batched ingestion and review status: ingestion writes current items in batches (no condition), so these tests pin
 * that a response can never be lost to it: responses racing an ingestion, findings created by a concurrent run,
 * review items ahead of their copy, current items written before review items existed, and reruns that write nothing.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '#shared/contract/finding.js';
import { StoreIntegrityError } from '#shared/store/errors.js';
import type { FindingsStore } from '#shared/store/findingsStore.js';
import { countsFor, DAY1, finding, type Harness, onceBefore, openHarness, putsViewItems, runStart } from './harness.js';

let h: Harness;
let doc: DynamoDBDocumentClient;
beforeEach(async () => {
  h = await openHarness();
  doc = DynamoDBDocumentClient.from(h.stack.dynamo);
});
afterEach(async () => {
  await h.close();
});

const AT = '2026-02-15T09:00:00.000Z';
const TABLE = 'findings-test';

async function fullRun(store: FindingsStore, runId: string, findings: Finding[], startedAt?: string) {
  await store.startRun(runStart(runId, 'HKVX', DAY1, startedAt));
  await store.recordFindings({ run_id: runId, venue: 'HKVX', ...DAY1 }, findings);
  return store.completeRun(runId, countsFor(findings), { at: AT });
}

/** Current items (sk FINDING) put by each BatchWriteItem sent through the client. */
function countCurrentPuts(client: DynamoDBClient): { puts: () => number } {
  let puts = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/BatchWrite/.test(context.commandName ?? '')) {
        const input = args.input as { RequestItems: Record<string, { PutRequest?: { Item: { sk?: unknown } } }[]> };
        for (const reqs of Object.values(input.RequestItems)) {
          puts += reqs.filter((r) => r.PutRequest?.Item.sk === 'FINDING').length;
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'countCurrentPuts' },
  );
  return { puts: () => puts };
}

/** Runs `fn` once, just before the first BatchWriteItem that puts current items (after ingestion read them). */
function beforeCurrentWrite(client: DynamoDBClient, fn: () => Promise<void>): { fired: () => boolean } {
  return onceBefore(client, (name, input) => /BatchWrite/.test(name) && putsViewItems(input), fn);
}

async function rawCurrent(findingId: string) {
  return (
    await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: `F#${findingId}`, sk: 'FINDING' }, ConsistentRead: true }),
    )
  ).Item;
}

describe('ingestion never loses a response', () => {
  it('a response landing between ingestion reading and writing a finding is copied back onto it', async () => {
    const f = finding('r-1', 'HKVX', 'CP-1', 't-1');
    await fullRun(h.store, 'r-1', [f, finding('r-1', 'HKVX', 'CP-1', 't-2')]);
    // The responder uses its own client, as another process would.
    const other = h.newStore();
    const hook = beforeCurrentWrite(h.stack.dynamo, async () => {
      await other.respond(f.finding_id, { status: 'acknowledged', by: 'alice', note: 'looking', at: AT });
    });
    const rerun = [
      finding('r-2', 'HKVX', 'CP-1', 't-1', { detail: 'corrected' }),
      finding('r-2', 'HKVX', 'CP-1', 't-2'),
    ];
    await fullRun(h.store, 'r-2', rerun, '2026-02-14T03:00:00.000Z');
    expect(hook.fired()).toBe(true);

    expect(await h.store.getFinding(f.finding_id)).toMatchObject({
      status: 'acknowledged',
      version: 1,
      run_id: 'r-2',
      detail: 'corrected',
      history: [{ status: 'acknowledged', by: 'alice', at: AT, note: 'looking' }],
    });
    // the copy on the current item (what the status index serves) is repaired, not only the single read
    expect(await rawCurrent(f.finding_id)).toMatchObject({
      status: 'acknowledged',
      version: 1,
      gsi3pk: 'VS#HKVX#acknowledged',
    });
    expect((await h.store.listFindings({ venue: 'HKVX', status: 'acknowledged' })).map((x) => x.subject)).toEqual([
      't-1',
    ]);
    expect((await h.store.listFindings({ venue: 'HKVX', status: 'open' })).map((x) => x.subject)).toEqual(['t-2']);
  });

  it('a finding a concurrent run created and someone answered before this run wrote it keeps the answer', async () => {
    const f = finding('r-2', 'HKVX', 'CP-1', 't-1');
    const other = h.newStore();
    const hook = beforeCurrentWrite(h.stack.dynamo, async () => {
      // another run of the same venue and period completes with the finding, and a reviewer answers it at once
      await fullRun(other, 'r-1', [finding('r-1', 'HKVX', 'CP-1', 't-1')]);
      await other.respond(f.finding_id, { status: 'remediated', by: 'bob', at: AT });
    });
    await fullRun(h.store, 'r-2', [f], '2026-02-14T03:00:00.000Z');
    expect(hook.fired()).toBe(true);
    expect(await rawCurrent(f.finding_id)).toMatchObject({ run_id: 'r-2', status: 'remediated', version: 1 });
    expect((await h.store.listFindings({ venue: 'HKVX', status: 'remediated' })).map((x) => x.subject)).toEqual([
      't-1',
    ]);
  });

  it('a review ahead of its copy (a responder stopped between its two writes) is shown, then copied by the next run', async () => {
    const f = finding('r-1', 'HKVX', 'CP-1', 't-1');
    await fullRun(h.store, 'r-1', [f]);
    const history = [{ status: 'acknowledged', by: 'carol', at: AT, note: null }];
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: `F#${f.finding_id}`,
          sk: 'REVIEW',
          entity: 'review',
          finding_id: f.finding_id,
          venue: 'HKVX',
          status: 'acknowledged',
          version: 1,
          history,
        },
      }),
    );
    expect(await h.store.getFinding(f.finding_id)).toMatchObject({ status: 'acknowledged', version: 1, history });
    expect((await h.store.listFindings({ run_id: 'r-1' }))[0]).toMatchObject({ status: 'acknowledged' });
    await fullRun(h.store, 'r-2', [finding('r-2', 'HKVX', 'CP-1', 't-1')], '2026-02-14T03:00:00.000Z');
    expect(await rawCurrent(f.finding_id)).toMatchObject({ status: 'acknowledged', version: 1, history });
    expect((await h.store.listFindings({ venue: 'HKVX', status: 'acknowledged' })).map((x) => x.subject)).toEqual([
      't-1',
    ]);
    // the next response builds on the review item
    const next = await h.store.respond(f.finding_id, { status: 'remediated', by: 'dan', at: AT });
    expect(next.version).toBe(2);
    expect(next.history.map((e) => e.by)).toEqual(['carol', 'dan']);
  });

  it('a current item holding a status but no review item (stored before review items existed) keeps it', async () => {
    const f = finding('r-1', 'HKVX', 'CP-1', 't-1');
    await fullRun(h.store, 'r-1', [f]);
    const old = (await rawCurrent(f.finding_id)) as Record<string, unknown>;
    const history = [{ status: 'false_positive', by: 'erin', at: AT, note: 'test account' }];
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...old, status: 'false_positive', version: 1, history, gsi3pk: 'VS#HKVX#false_positive' },
      }),
    );
    await fullRun(h.store, 'r-2', [finding('r-2', 'HKVX', 'CP-1', 't-1')], '2026-02-14T03:00:00.000Z');
    expect(await h.store.getFinding(f.finding_id)).toMatchObject({
      run_id: 'r-2',
      status: 'false_positive',
      version: 1,
      history,
    });
    const next = await h.store.respond(f.finding_id, { status: 'open', by: 'frank', at: AT });
    expect(next).toMatchObject({ status: 'open', version: 2 });
    expect(next.history.map((e) => e.by)).toEqual(['erin', 'frank']);
  });
});

describe('batched ingestion', () => {
  it('a rerun of the same inputs rewrites no current item and keeps every status', async () => {
    const fs = Array.from({ length: 30 }, (_, i) => finding('r-1', 'HKVX', 'CP-1', `t-${String(i).padStart(2, '0')}`));
    const counter = countCurrentPuts(h.stack.dynamo);
    await fullRun(h.store, 'r-1', fs);
    expect(counter.puts()).toBe(30);
    await h.store.respond(fs[3]?.finding_id as string, { status: 'acknowledged', by: 'alice', at: AT });
    await fullRun(h.store, 'r-1', fs);
    expect(counter.puts()).toBe(30);
    expect(await h.store.runFindings('r-1')).toHaveLength(30);
    expect((await h.store.listFindings({ venue: 'HKVX', status: 'acknowledged' })).map((x) => x.subject)).toEqual([
      't-03',
    ]);
    // a retired finding reported again by the accepted run is rewritten (its retirement cleared)
    await h.store.acceptRun('r-1', { by: 'officer', at: AT });
    await fullRun(
      h.store,
      'r-2',
      fs.slice(1).map((f) => ({ ...f, run_id: 'r-2' })),
      '2026-02-14T03:00:00.000Z',
    );
    await h.store.acceptRun('r-2', { by: 'officer', at: AT });
    expect((await h.store.getFinding(fs[0]?.finding_id as string))?.retired_by_run).toBe('r-2');
    await fullRun(
      h.store,
      'r-3',
      fs.map((f) => ({ ...f, run_id: 'r-3' })),
      '2026-02-14T04:00:00.000Z',
    );
    await h.store.acceptRun('r-3', { by: 'officer', at: AT });
    expect(await h.store.getFinding(fs[0]?.finding_id as string)).toMatchObject({
      retired_by_run: null,
      run_id: 'r-3',
    });
    expect((await h.store.listFindings({ venue: 'HKVX', status: 'acknowledged' })).map((x) => x.subject)).toEqual([
      't-03',
    ]);
  });

  it('refuses a finding_id already stored for another venue, writing nothing of its batch', async () => {
    const f = finding('r-1', 'HKVX', 'CP-1', 't-1');
    await fullRun(h.store, 'r-1', [f]);
    await h.store.startRun(runStart('r-9', 'OTHR'));
    const clash = { ...finding('r-9', 'OTHR', 'CP-1', 't-2'), finding_id: f.finding_id };
    const fine = finding('r-9', 'OTHR', 'CP-1', 't-3');
    await expect(
      h.store.recordFindings({ run_id: 'r-9', venue: 'OTHR', ...DAY1 }, [fine, clash]),
    ).rejects.toBeInstanceOf(StoreIntegrityError);
    expect(await h.store.runFindings('r-9')).toEqual([]);
    expect(await h.store.getFinding(fine.finding_id)).toBeUndefined();
    expect(await h.store.getFinding(f.finding_id)).toMatchObject({ venue: 'HKVX', run_id: 'r-1' });
  });

  it('stores runs larger than one ingestion batch completely', async () => {
    const fs = Array.from({ length: 1234 }, (_, i) =>
      finding('r-1', 'HKVX', 'AC-2', `u-${String(i).padStart(4, '0')}`),
    );
    await fullRun(h.store, 'r-1', fs);
    expect(await h.store.runFindings('r-1')).toHaveLength(1234);
    expect(await h.store.listFindings({ venue: 'HKVX', status: 'open' })).toHaveLength(1234);
  });
});
