/**
 * Batch reads and writes that lose nothing: every UnprocessedItems / UnprocessedKeys entry and every throttled request
 * is retried with exponential backoff (sleep injected, so tests need not wait); what is still unprocessed after the
 * last attempt fails the whole call with StoreWriteError instead of being dropped.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreError, StoreWriteError } from './errors.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryPolicy {
  sleep: Sleep;
  /** Attempts per batch, the first included. */
  maxAttempts: number;
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

export function isThrottle(err: unknown): boolean {
  return THROTTLING.has((err as Error).name);
}

/** 50 ms, 100 ms, 200 ms … capped at 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 5000);
}

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/** Writes every request, 25 per BatchWriteItem (up to `concurrency` of them in flight), until all are processed. */
export async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
  policy: RetryPolicy,
  concurrency = 1,
): Promise<void> {
  const groups: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) groups.push(requests.slice(i, i + 25));
  await mapLimit(groups, concurrency, async (group) => {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= policy.maxAttempts) {
        throw new StoreWriteError(
          `${pending.length} item(s) of table ${table} still unprocessed after ${policy.maxAttempts} attempts`,
        );
      }
      if (attempt > 0) await policy.sleep(backoffMs(attempt - 1));
      try {
        const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (res.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      } catch (err) {
        if (!isThrottle(err)) throw new StoreError(`batch write to ${table} failed`, { cause: err });
      }
    }
  });
}

/**
 * Reads every key, 100 per BatchGetItem (up to `concurrency` of them in flight), until all are answered; items come
 * back in no particular order.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, unknown>[],
  policy: RetryPolicy,
  concurrency = 1,
  /** Attributes to read (all when absent). */
  projection?: readonly string[],
): Promise<Record<string, unknown>[]> {
  const names = projection === undefined ? undefined : Object.fromEntries(projection.map((a, i) => [`#p${i}`, a]));
  const request = {
    ConsistentRead: true,
    ...(names === undefined
      ? {}
      : { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }),
  };
  const groups: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += 100) groups.push(keys.slice(i, i + 100));
  const found = await mapLimit(groups, concurrency, async (group) => {
    const out: Record<string, unknown>[] = [];
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= policy.maxAttempts) {
        throw new StoreError(
          `${pending.length} key(s) of table ${table} still unread after ${policy.maxAttempts} attempts`,
        );
      }
      if (attempt > 0) await policy.sleep(backoffMs(attempt - 1));
      try {
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...request } } }));
        for (const item of (res.Responses?.[table] ?? []) as Record<string, unknown>[]) out.push(item);
        pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      } catch (err) {
        if (!isThrottle(err)) throw new StoreError(`batch read from ${table} failed`, { cause: err });
      }
    }
    return out;
  });
  return found.flat();
}

/** Runs fn over items with at most `limit` in flight; results in input order; the first failure rejects. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
