/**
 * Run records (R#<run_id> / RUN): started, completed with per-check counts (after checking that every finding of
 * the run is stored), or failed with the error; and the queries over runs. A completed run is a draft until it is
 * accepted (acceptance.ts). An accepted run is frozen: a rerun of it (same run_id: same inputs, parameters and rules
 * version) leaves its record and findings as accepted.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SEVERITIES, type Severity } from '../contract/finding.js';
import { batchWriteAll } from './batch.js';
import { cmp, type Item, isConditionFailure, query, type StoreContext, setClauses, toIso } from './context.js';
import { promoteDraft } from './currentView.js';
import { RunNotFoundError, StoreError, StoreIntegrityError, StoreValidationError } from './errors.js';
import { instantKey, keys, requireInstantKey, SK_RUN } from './tableDesign.js';
import type { CheckCounts, Period, RunAcceptance, RunRecord, RunStart, RunStatus } from './types.js';

/** Error texts kept on a failed run are cut to this many characters. */
const MAX_ERROR_CHARS = 8000;
/** Condition of every write that an accepted run must not see (names `#acceptance`, value `:null`). */
const NOT_ACCEPTED = '(attribute_not_exists(#acceptance) OR #acceptance = :null)';

/**
 * Records the run as running. Starting a run_id again (a rerun of the same inputs, e.g. after a failure) clears
 * the error and the findings an earlier attempt left, and counts the attempt; an accepted run is returned unchanged.
 */
export async function startRun(ctx: StoreContext, run: RunStart): Promise<RunRecord> {
  const started = toIso(run.started_at, 'started_at');
  for (const [name, value] of Object.entries({
    run_id: run.run_id,
    venue: run.venue,
    rules_version: run.rules_version,
  })) {
    if (typeof value !== 'string' || value === '') throw new StoreValidationError(`run ${name} must not be empty`);
  }
  const ps = requireInstantKey(run.period_start, 'period_start');
  const pe = requireInstantKey(run.period_end, 'period_end');
  const startedKey = requireInstantKey(started, 'started_at');
  const values = {
    entity: 'run',
    run_id: run.run_id,
    venue: run.venue,
    operator_entity_id: run.operator_entity_id ?? null,
    period_start: run.period_start,
    period_end: run.period_end,
    dataset_root: run.dataset_root,
    inputs: run.inputs.map((i) => ({ path: i.path, sha256: i.sha256, size: i.size })),
    parameters: run.parameters,
    rules_version: run.rules_version,
    data_contract: run.data_contract ?? 1,
    tool_version: run.tool_version ?? null,
    status: 'running',
    started_at: started,
    completed_at: null,
    failed_at: null,
    error: null,
    counts: null,
    findings_total: null,
    gsi4pk: keys.byVenuePeriod(run.venue, ps, pe),
    gsi4sk: `R#${startedKey}#${run.run_id}`,
    // gsi1 is overloaded: run items under RUNS#<venue>, ordered by period, serve period reports.
    gsi1pk: keys.runsOfVenue(run.venue),
    gsi1sk: `${ps}#${pe}#${run.run_id}`,
    // gsi3 too: every run item under RUNS, newest first, serves the runs list across venues.
    gsi3pk: keys.allRuns,
    gsi3sk: `${startedKey}#${run.run_id}`,
  };
  const { names, sets, vals } = setClauses(values);
  let record: RunRecord;
  try {
    const res = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.run(run.run_id),
        UpdateExpression: `SET ${sets.join(', ')}, #attempts = if_not_exists(#attempts, :zero) + :one`,
        ConditionExpression: NOT_ACCEPTED,
        ExpressionAttributeNames: { ...names, '#attempts': 'attempts', '#acceptance': 'acceptance' },
        ExpressionAttributeValues: { ...vals, ':zero': 0, ':one': 1, ':null': null },
        ReturnValues: 'ALL_NEW',
      }),
    );
    record = toRunRecord(res.Attributes as Item);
  } catch (err) {
    if (!isConditionFailure(err)) throw new StoreError(`cannot record run ${run.run_id} as started`, { cause: err });
    return (await getRun(ctx, run.run_id)) as RunRecord;
  }
  await deleteOccurrences(ctx, run.run_id);
  return record;
}

/**
 * Marks the run completed with its per-check counts, after checking that the findings stored for it are exactly as
 * many as the counts say (nothing lost), and brings its findings into the current view (currentView.ts: only while
 * its period has no accepted run). It retires nothing: only an acceptance does. An accepted run is left as it is.
 */
export async function completeRun(
  ctx: StoreContext,
  runId: string,
  counts: Record<string, CheckCounts>,
  opts: { at?: Date | string } = {},
): Promise<RunRecord> {
  const run = await getRun(ctx, runId);
  if (run === undefined) throw new RunNotFoundError(runId);
  let expected = 0;
  for (const [checkId, c] of Object.entries(counts)) {
    for (const [sev, n] of Object.entries(c.findings)) {
      if (!SEVERITIES.includes(sev as Severity) || !Number.isInteger(n) || (n as number) < 0) {
        throw new StoreValidationError(`counts of ${checkId}: ${sev}=${n} is not a severity count`);
      }
      expected += n as number;
    }
  }
  const stored = await countOccurrences(ctx, runId);
  if (stored !== expected) {
    throw new StoreIntegrityError(
      `run ${runId}: ${stored} finding(s) stored but the counts report ${expected}; the run is not marked completed`,
    );
  }
  if (run.acceptance !== null) return run;
  await promoteDraft(ctx, run);
  const res = await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: keys.run(runId),
      UpdateExpression:
        'SET #status = :completed, #counts = :counts, #total = :total, #completed_at = :at, #error = :null, #failed_at = :null',
      ConditionExpression: `attribute_exists(pk) AND ${NOT_ACCEPTED}`,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#counts': 'counts',
        '#total': 'findings_total',
        '#completed_at': 'completed_at',
        '#error': 'error',
        '#failed_at': 'failed_at',
        '#acceptance': 'acceptance',
      },
      ExpressionAttributeValues: {
        ':completed': 'completed',
        ':counts': counts,
        ':total': stored,
        ':at': opts.at === undefined ? null : toIso(opts.at, 'completed at'),
        ':null': null,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return toRunRecord(res.Attributes as Item);
}

/** Records the run as failed with its error; an accepted run is left as it is (a failed rerun of it changes nothing). */
export async function failRun(
  ctx: StoreContext,
  runId: string,
  error: unknown,
  opts: { at?: Date | string } = {},
): Promise<RunRecord> {
  const text = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, MAX_ERROR_CHARS);
  try {
    const res = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.run(runId),
        UpdateExpression: 'SET #status = :failed, #error = :error, #failed_at = :at',
        ConditionExpression: `attribute_exists(pk) AND ${NOT_ACCEPTED}`,
        ExpressionAttributeNames: {
          '#status': 'status',
          '#error': 'error',
          '#failed_at': 'failed_at',
          '#acceptance': 'acceptance',
        },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':error': text,
          ':at': opts.at === undefined ? null : toIso(opts.at, 'failed at'),
          ':null': null,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRunRecord(res.Attributes as Item);
  } catch (err) {
    if (!isConditionFailure(err)) throw new StoreError(`cannot mark run ${runId} failed`, { cause: err });
  }
  const existing = await getRun(ctx, runId);
  if (existing === undefined) throw new RunNotFoundError(runId);
  return existing;
}

export async function getRun(ctx: StoreContext, runId: string): Promise<RunRecord | undefined> {
  const res = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.run(runId), ConsistentRead: true }),
  );
  return res.Item === undefined ? undefined : toRunRecord(res.Item);
}

/** The most recently started run of the venue for exactly this period (optionally only runs with a status). */
export async function latestRun(
  ctx: StoreContext,
  venue: string,
  period: Period,
  opts: { status?: RunStatus } = {},
): Promise<RunRecord | undefined> {
  const pk = keys.byVenuePeriod(
    venue,
    requireInstantKey(period.period_start, 'period_start'),
    requireInstantKey(period.period_end, 'period_end'),
  );
  for await (const item of query(ctx, {
    IndexName: 'gsi4',
    KeyConditionExpression: 'gsi4pk = :pk AND begins_with(gsi4sk, :runs)',
    ExpressionAttributeValues: { ':pk': pk, ':runs': 'R#' },
    ScanIndexForward: false,
  })) {
    const run = toRunRecord(item);
    if (opts.status === undefined || run.status === opts.status) return run;
  }
  return undefined;
}

/**
 * Runs of a venue whose period starts at or after `from` and before `to` (any status), in period order. A period
 * report takes, per period, the latest completed run.
 */
export async function listRuns(
  ctx: StoreContext,
  venue: string,
  range: { from: string; to: string },
): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for await (const item of query(ctx, {
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': keys.runsOfVenue(venue),
      ':from': requireInstantKey(range.from, 'from'),
      // Sort keys are "<start>#<end>#<run_id>": every key of a start before `to` sorts below "<to>".
      ':to': `${(BigInt(requireInstantKey(range.to, 'to')) - 1n).toString().padStart(20, '0')}#~`,
    },
  })) {
    out.push(toRunRecord(item));
  }
  return out;
}

/** Every run, or every run of one venue, newest first (by start time, then run_id). */
export async function listAllRuns(ctx: StoreContext, opts: { venue?: string } = {}): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for await (const item of query(
    ctx,
    opts.venue === undefined
      ? {
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.allRuns },
          ScanIndexForward: false,
        }
      : {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.runsOfVenue(opts.venue) },
        },
  )) {
    out.push(toRunRecord(item));
  }
  const startedKey = (r: RunRecord) => instantKey(r.started_at) ?? '';
  return out.sort((a, b) => cmp(startedKey(b), startedKey(a)) || cmp(a.run_id, b.run_id));
}

export async function countOccurrences(ctx: StoreContext, runId: string): Promise<number> {
  let count = 0;
  let start: Item | undefined;
  do {
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
        ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':f': 'F#' },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    count += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
}

async function deleteOccurrences(ctx: StoreContext, runId: string): Promise<void> {
  const stale: Item[] = [];
  for await (const i of query(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
    ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':f': 'F#' },
    ProjectionExpression: 'pk, sk',
  }))
    stale.push(i);
  await batchWriteAll(
    ctx.doc,
    ctx.tableName,
    stale.map((i) => ({ DeleteRequest: { Key: { pk: i.pk, sk: i.sk } } })),
    ctx.policy,
  );
}

export function toRunRecord(i: Item): RunRecord {
  if (i.sk !== SK_RUN) throw new StoreIntegrityError(`item ${String(i.pk)} ${String(i.sk)} is not a run`);
  return {
    run_id: String(i.run_id),
    venue: String(i.venue),
    operator_entity_id: (i.operator_entity_id as string | null | undefined) ?? null,
    period_start: String(i.period_start),
    period_end: String(i.period_end),
    dataset_root: String(i.dataset_root),
    inputs: (i.inputs as RunRecord['inputs'] | undefined) ?? [],
    parameters: (i.parameters as Record<string, unknown> | undefined) ?? {},
    rules_version: String(i.rules_version),
    data_contract: Number(i.data_contract ?? 1),
    tool_version: (i.tool_version as string | null | undefined) ?? null,
    status: i.status as RunStatus,
    started_at: String(i.started_at),
    completed_at: (i.completed_at as string | null | undefined) ?? null,
    failed_at: (i.failed_at as string | null | undefined) ?? null,
    error: (i.error as string | null | undefined) ?? null,
    counts: (i.counts as Record<string, CheckCounts> | null | undefined) ?? null,
    findings_total: (i.findings_total as number | null | undefined) ?? null,
    attempts: Number(i.attempts ?? 0),
    acceptance: acceptanceOf(i.acceptance),
    supersedes: (i.supersedes as string | null | undefined) ?? null,
    superseded_by: (i.superseded_by as string | null | undefined) ?? null,
  };
}

function acceptanceOf(v: unknown): RunAcceptance | null {
  if (v === null || v === undefined) return null;
  const a = v as Record<string, unknown>;
  return { by: String(a.by), at: String(a.at), note: (a.note as string | null | undefined) ?? null };
}
