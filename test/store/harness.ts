/** Shared setup for store tests: a fresh embedded stack per test, a store on it, and finding/run builders. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Finding, Severity } from '#shared/contract/finding.js';
import { type EmbeddedStack, startEmbeddedStack } from '#shared/local/embeddedStack.js';
import { s3EvidenceBlobStore } from '#shared/store/evidenceBlobs.js';
import { FindingsStore, type FindingsStoreOptions } from '#shared/store/findingsStore.js';
import type { CheckCounts, RunStart } from '#shared/store/types.js';

export const EVIDENCE_BUCKET = 'test-evidence';

export interface Harness {
  dataDir: string;
  stack: EmbeddedStack;
  store: FindingsStore;
  /** Sleeps the store asked for (it never really waits in tests). */
  sleeps: number[];
  newStore(opts?: Partial<FindingsStoreOptions>): FindingsStore;
  close(): Promise<void>;
}

export async function openHarness(opts: Partial<FindingsStoreOptions> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vatp-store-'));
  const stack = await startEmbeddedStack({ dataDir, buckets: [EVIDENCE_BUCKET] });
  const sleeps: number[] = [];
  const newStore = (more: Partial<FindingsStoreOptions> = {}) =>
    new FindingsStore({
      dynamo: stack.dynamo,
      tableName: 'findings-test',
      blobs: s3EvidenceBlobStore({ s3: stack.s3, bucket: EVIDENCE_BUCKET }),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...opts,
      ...more,
    });
  const store = newStore();
  await store.ensureTables();
  return {
    dataDir,
    stack,
    store,
    sleeps,
    newStore,
    close: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const DAY1 = { period_start: '2026-02-12T00:00:00Z', period_end: '2026-02-13T00:00:00Z' };
export const DAY2 = { period_start: '2026-02-13T00:00:00Z', period_end: '2026-02-14T00:00:00Z' };

export function runStart(
  run_id: string,
  venue: string,
  period = DAY1,
  started_at = '2026-02-14T01:00:00.000Z',
): RunStart {
  return {
    run_id,
    venue,
    operator_entity_id: 'E-OP',
    ...period,
    dataset_root: `s3://raw-logs/venue=${venue}/date=${period.period_start.slice(0, 10)}/`,
    inputs: [
      { path: 'manifest.json', sha256: 'a'.repeat(64), size: 120 },
      { path: 'orders.jsonl.gz', sha256: 'b'.repeat(64), size: 123456 },
    ],
    parameters: { haircut_floor: '0.60', eligible_va_collateral: ['BTC', 'ETH'], margin_call_within: 'PT1H' },
    rules_version: 'rules-1',
    tool_version: '0.1.0',
    started_at,
  };
}

/** A finding whose id is derived from venue, period, check and subject, as OUTPUT.md requires. */
export function finding(
  run_id: string,
  venue: string,
  check_id: string,
  subject: string,
  more: Partial<Finding> & { period?: typeof DAY1 } = {},
): Finding {
  const { period = DAY1, ...rest } = more;
  return {
    finding_id: `f-${venue}-${period.period_start.slice(0, 10)}-${check_id}-${subject}`,
    run_id,
    check_id,
    severity: 'high',
    subject,
    venue,
    symbol: 'BTC-USD',
    account_id: 'MM-1',
    seq: 1881,
    ts: '2026-02-12T03:11:09.000120Z',
    title: `${check_id} on ${subject}`,
    detail: `Trade ${subject} breached ${check_id}.`,
    evidence: { trade_id: subject, file: 'trades.jsonl', line: 7, z_last: 1, a_first: 'kept in this order' },
    ...rest,
  };
}

/** Per-check counts that agree with the findings given. */
export function countsFor(findings: Finding[]): Record<string, CheckCounts> {
  const counts: Record<string, CheckCounts> = {};
  for (const f of findings) {
    const c = counts[f.check_id] ?? { examined: 10, not_tested: 0, findings: {} };
    counts[f.check_id] = c;
    c.findings[f.severity as Severity] = (c.findings[f.severity as Severity] ?? 0) + 1;
  }
  return counts;
}

/**
 * Fault injection on the wire, not a mock: the first BatchWriteItem sent through this client goes to dynalite with
 * its first `drop` requests removed, and the response reports them as UnprocessedItems, as DynamoDB does under load.
 */
export function dropFromFirstBatchWrite(client: DynamoDBClient, drop: number): { dropped: () => number } {
  let fired = false;
  let dropped = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (fired || !/BatchWrite/.test(context.commandName ?? '')) return next(args);
      fired = true;
      const input = args.input as { RequestItems: Record<string, unknown[]> };
      const [table] = Object.keys(input.RequestItems);
      const all = input.RequestItems[table as string] ?? [];
      const removed = all.slice(0, drop);
      dropped = removed.length;
      const result = await next({ ...args, input: { ...input, RequestItems: { [table as string]: all.slice(drop) } } });
      (result.output as { UnprocessedItems?: Record<string, unknown[]> }).UnprocessedItems = {
        [table as string]: removed,
      };
      return result;
    },
    { step: 'initialize', name: 'dropFromFirstBatchWrite' },
  );
  return { dropped: () => dropped };
}

let hooks = 0;

/**
 * Runs `fn` once, just before the first command sent through the client that `match` selects; then sends that
 * command. Used to land another writer's work exactly between a reader and its write.
 */
export function onceBefore(
  client: DynamoDBClient,
  match: (commandName: string, input: Record<string, unknown>) => boolean,
  fn: () => Promise<void>,
): { fired: () => boolean } {
  let fired = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!fired && match(context.commandName ?? '', args.input as Record<string, unknown>)) {
        fired = true;
        await fn();
      }
      return next(args);
    },
    { step: 'initialize', name: `onceBefore${++hooks}` },
  );
  return { fired: () => fired };
}

/** Whether a BatchWriteItem input puts current (view) items of findings. */
export function putsViewItems(input: Record<string, unknown>): boolean {
  const requests = input.RequestItems as Record<string, { PutRequest?: { Item: { sk?: unknown } } }[]> | undefined;
  return Object.values(requests ?? {}).some((reqs) => reqs.some((r) => r.PutRequest?.Item.sk === 'FINDING'));
}
