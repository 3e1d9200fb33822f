/**
 * What every part of the findings store shares: the document client and table, the retry policy, paged queries and
 * scans, the consistent read of a finding's current and review items, and small item helpers.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  type NativeAttributeValue,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll, type RetryPolicy, realSleep, type Sleep } from './batch.js';
import { StoreValidationError } from './errors.js';
import type { EvidenceBlobStore } from './evidenceBlobs.js';
import { instantKey, keys, SK_FINDING, SK_REVIEW } from './tableDesign.js';

/** Findings whose JSON exceeds this many bytes go to the blob store (items are capped at 400 KB). */
export const DEFAULT_INLINE_LIMIT = 100 * 1024;

export interface FindingsStoreOptions {
  dynamo: DynamoDBClient;
  tableName?: string;
  /** Needed only when a finding is larger than the inline limit. */
  blobs?: EvidenceBlobStore;
  inlineLimitBytes?: number;
  sleep?: Sleep;
  /** Attempts per batch and per response race. */
  maxAttempts?: number;
  /** Requests in flight while ingesting and reading. */
  concurrency?: number;
  /** Batch writes in flight while ingesting (the embedded dynalite gains nothing from more than a few). */
  writeConcurrency?: number;
}

export type Item = Record<string, NativeAttributeValue>;

export interface StoreContext {
  readonly tableName: string;
  readonly dynamo: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly blobs: EvidenceBlobStore | undefined;
  readonly inlineLimit: number;
  readonly policy: RetryPolicy;
  readonly concurrency: number;
  readonly writeConcurrency: number;
}

export function createStoreContext(opts: FindingsStoreOptions): StoreContext {
  return {
    tableName: opts.tableName ?? 'vatp-audit-findings',
    dynamo: opts.dynamo,
    doc: DynamoDBDocumentClient.from(opts.dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    blobs: opts.blobs,
    inlineLimit: opts.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT,
    policy: { sleep: opts.sleep ?? realSleep, maxAttempts: opts.maxAttempts ?? 12 },
    concurrency: opts.concurrency ?? 16,
    writeConcurrency: opts.writeConcurrency ?? 4,
  };
}

/** Every item of a query, page after page (consistent reads on the table; GSIs cannot be read consistently). */
export async function* query(ctx: StoreContext, input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const res = await ctx.doc.send(
      new QueryCommand({
        ...input,
        TableName: ctx.tableName,
        ...(input.IndexName === undefined ? { ConsistentRead: true } : {}),
        ExclusiveStartKey: start,
      }),
    );
    for (const i of res.Items ?? []) yield i;
    start = res.LastEvaluatedKey;
  } while (start !== undefined);
}

/** Every finding item of the table (a rare administrative query). */
export async function* scanFindings(ctx: StoreContext): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const res = await ctx.doc.send(
      new ScanCommand({
        TableName: ctx.tableName,
        FilterExpression: 'sk = :finding',
        ExpressionAttributeValues: { ':finding': SK_FINDING },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of res.Items ?? []) yield i;
    start = res.LastEvaluatedKey;
  } while (start !== undefined);
}

/** The current and review items of these findings, by finding_id (review items only when asked). */
export async function readStates(
  ctx: StoreContext,
  ids: string[],
  withCurrent: boolean,
  projection?: readonly string[],
): Promise<Map<string, { current?: Item; review?: Item }>> {
  const wanted = ids.flatMap((id) => (withCurrent ? [keys.finding(id), keys.review(id)] : [keys.review(id)]));
  const items = await batchGetAll(ctx.doc, ctx.tableName, wanted, ctx.policy, ctx.concurrency, projection);
  const out = new Map<string, { current?: Item; review?: Item }>();
  for (const i of items as Item[]) {
    const id = String(i.pk).slice(2);
    const entry = out.get(id) ?? {};
    if (i.sk === SK_FINDING) entry.current = i;
    else if (i.sk === SK_REVIEW) entry.review = i;
    out.set(id, entry);
  }
  return out;
}

/** Whether two items hold the same attributes with the same values (key order aside). */
export function sameItem(a: Item, b: Item): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => cmp(a, b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

export function setClauses(values: Item): { names: Record<string, string>; sets: string[]; vals: Item } {
  const names: Record<string, string> = {};
  const vals: Item = {};
  const sets: string[] = [];
  Object.entries(values).forEach(([k, v], i) => {
    names[`#s${i}`] = k;
    vals[`:s${i}`] = v;
    sets.push(`#s${i} = :s${i}`);
  });
  return { names, sets, vals };
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function toIso(at: Date | string, what: string): string {
  const iso = at instanceof Date ? (Number.isNaN(at.getTime()) ? '' : at.toISOString()) : at;
  if (instantKey(iso) === undefined) {
    throw new StoreValidationError(`${what} is not an RFC 3339 UTC timestamp: ${JSON.stringify(String(at))}`);
  }
  return iso;
}

export function isConditionFailure(err: unknown): boolean {
  return (err as Error).name === 'ConditionalCheckFailedException';
}
