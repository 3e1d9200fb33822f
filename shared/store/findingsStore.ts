/**
 * The findings store (DynamoDB, one table; see README.md for the item layout and access patterns).
 *
 * - A run's findings are kept twice: as that run reported them (one item per run and finding, so a run listing
 *   reproduces its findings.jsonl), and as the current state of each finding_id across runs (latest content, review
 *   status, history). finding_id is stable across reruns of a venue and period, so a rerun updates the current item.
 * - Review status lives in a review item that only responders write (version-conditioned, retried on a lost race, so
 *   concurrent responders all land); the current item carries a copy for the status index. Ingestion writes current
 *   items in batches (one round trip per 25, not one per finding): it reads the review items first and copies them,
 *   then reads them again and repairs, with a version-conditioned update, every copy a response overtook meanwhile.
 *   So a rerun can never reset what a person decided.
 * - Findings larger than the inline limit go to an EvidenceBlobStore with a hash-checked pointer in the item.
 * - No clock: every time is passed in.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Finding, SEVERITIES, type Severity } from '../contract/finding.js';
import { compareFindings } from '../findings/collector.js';
import { backoffMs, batchGetAll, batchWriteAll, mapLimit, type RetryPolicy, realSleep, type Sleep } from './batch.js';
import {
  FindingNotFoundError,
  RunNotFoundError,
  StoreError,
  StoreIntegrityError,
  StoreValidationError,
} from './errors.js';
import type { BlobRef, EvidenceBlobStore } from './evidenceBlobs.js';
import { canonicalFinding, findingJsonLine } from './findingJson.js';
import {
  ensureFindingsTable,
  instantKey,
  keys,
  requireInstantKey,
  SEVERITY_KEY,
  SK_FINDING,
  SK_REVIEW,
  SK_RUN,
} from './tableDesign.js';
import {
  type CheckCounts,
  FINDING_STATUSES,
  type FindingFilters,
  type FindingStatus,
  type HistoryEntry,
  type Period,
  type RespondInput,
  type RunRecord,
  type RunRef,
  type RunStart,
  type RunStatus,
  STATUSES_NEEDING_NOTE,
  type StoredFinding,
} from './types.js';

/** Findings whose JSON exceeds this many bytes go to the blob store (items are capped at 400 KB). */
export const DEFAULT_INLINE_LIMIT = 100 * 1024;
/** Findings read, written and checked together while ingesting. */
const INGEST_CHUNK = 500;
/** What ingestion reads again of the review items after writing (not the history). */
const REVIEW_READ = ['pk', 'sk', 'finding_id', 'venue', 'status', 'version', 'history'] as const;
/** Error texts kept on a failed run are cut to this many characters. */
const MAX_ERROR_CHARS = 8000;

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

type Item = Record<string, NativeAttributeValue>;

export class FindingsStore {
  readonly tableName: string;
  readonly #doc: DynamoDBDocumentClient;
  readonly #dynamo: DynamoDBClient;
  readonly #blobs: EvidenceBlobStore | undefined;
  readonly #inlineLimit: number;
  readonly #policy: RetryPolicy;
  readonly #concurrency: number;
  readonly #writeConcurrency: number;

  constructor(opts: FindingsStoreOptions) {
    this.tableName = opts.tableName ?? 'vatp-audit-findings';
    this.#dynamo = opts.dynamo;
    this.#doc = DynamoDBDocumentClient.from(opts.dynamo, { marshallOptions: { removeUndefinedValues: true } });
    this.#blobs = opts.blobs;
    this.#inlineLimit = opts.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT;
    this.#policy = { sleep: opts.sleep ?? realSleep, maxAttempts: opts.maxAttempts ?? 12 };
    this.#concurrency = opts.concurrency ?? 16;
    this.#writeConcurrency = opts.writeConcurrency ?? 4;
  }

  /** Creates the table and its indexes if missing (idempotent); on AWS the CDK stack creates it beforehand. */
  async ensureTables(): Promise<void> {
    await ensureFindingsTable(this.#dynamo, this.tableName, this.#policy.sleep);
  }

  // ---- runs --------------------------------------------------------------------------------------------------------

  /**
   * Records the run as running. Starting a run_id again (a rerun of the same inputs, e.g. after a failure) clears
   * the error and the findings an earlier attempt left, and counts the attempt.
   */
  async startRun(run: RunStart): Promise<RunRecord> {
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
    await this.#deleteOccurrences(run.run_id);
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
      tool_version: run.tool_version ?? null,
      status: 'running',
      started_at: started,
      completed_at: null,
      failed_at: null,
      error: null,
      counts: null,
      findings_total: null,
      gsi4pk: keys.byVenuePeriod(run.venue, ps, pe),
      gsi4sk: `R#${requireInstantKey(started, 'started_at')}#${run.run_id}`,
      // gsi1 is overloaded: run items under RUNS#<venue>, ordered by period, serve period reports.
      gsi1pk: keys.runsOfVenue(run.venue),
      gsi1sk: `${ps}#${pe}#${run.run_id}`,
    };
    const { names, sets, vals } = setClauses(values);
    const res = await this.#doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.run(run.run_id),
        UpdateExpression: `SET ${sets.join(', ')}, #attempts = if_not_exists(#attempts, :zero) + :one`,
        ExpressionAttributeNames: { ...names, '#attempts': 'attempts' },
        ExpressionAttributeValues: { ...vals, ':zero': 0, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRunRecord(res.Attributes as Item);
  }

  /**
   * Marks the run completed with its per-check counts, after checking that the findings stored for it are exactly as
   * many as the counts say (nothing lost). Findings of the same venue and period that this run no longer reports are
   * marked retired (their review status is kept).
   */
  async completeRun(
    runId: string,
    counts: Record<string, CheckCounts>,
    opts: { at?: Date | string } = {},
  ): Promise<RunRecord> {
    const run = await this.getRun(runId);
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
    const stored = await this.#countOccurrences(runId);
    if (stored !== expected) {
      throw new StoreIntegrityError(
        `run ${runId}: ${stored} finding(s) stored but the counts report ${expected}; the run is not marked completed`,
      );
    }
    const res = await this.#doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.run(runId),
        UpdateExpression:
          'SET #status = :completed, #counts = :counts, #total = :total, #completed_at = :at, #error = :null, #failed_at = :null',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#counts': 'counts',
          '#total': 'findings_total',
          '#completed_at': 'completed_at',
          '#error': 'error',
          '#failed_at': 'failed_at',
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
    await this.#retireUnreported(run);
    return toRunRecord(res.Attributes as Item);
  }

  async failRun(runId: string, error: unknown, opts: { at?: Date | string } = {}): Promise<RunRecord> {
    const text = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, MAX_ERROR_CHARS);
    try {
      const res = await this.#doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.run(runId),
          UpdateExpression: 'SET #status = :failed, #error = :error, #failed_at = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#failed_at': 'failed_at' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':error': text,
            ':at': opts.at === undefined ? null : toIso(opts.at, 'failed at'),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRunRecord(res.Attributes as Item);
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') throw new RunNotFoundError(runId);
      throw new StoreError(`cannot mark run ${runId} failed`, { cause: err });
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const res = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.run(runId), ConsistentRead: true }),
    );
    return res.Item === undefined ? undefined : toRunRecord(res.Item);
  }

  /** The most recently started run of the venue for exactly this period (optionally only runs with a status). */
  async latestRun(venue: string, period: Period, opts: { status?: RunStatus } = {}): Promise<RunRecord | undefined> {
    const pk = keys.byVenuePeriod(
      venue,
      requireInstantKey(period.period_start, 'period_start'),
      requireInstantKey(period.period_end, 'period_end'),
    );
    for await (const item of this.#query({
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
  async listRuns(venue: string, range: { from: string; to: string }): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for await (const item of this.#query({
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

  // ---- findings ----------------------------------------------------------------------------------------------------

  /**
   * Stores the findings of a run: the run's own copy of each, and an upsert of each finding's current state that
   * keeps its review status and history. Findings must belong to the run (run_id, venue) and have distinct ids.
   * `onWritten` hears of each batch once it is stored (progress).
   */
  async recordFindings(
    run: RunRef,
    findings: Iterable<Finding> | AsyncIterable<Finding>,
    opts: { onWritten?: (n: number) => void } = {},
  ): Promise<{ written: number }> {
    const ps = requireInstantKey(run.period_start, 'period_start');
    const pe = requireInstantKey(run.period_end, 'period_end');
    const seen = new Set<string>();
    let chunk: Finding[] = [];
    let written = 0;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const prepared = await mapLimit(chunk, this.#concurrency, (f) => this.#prepare(run, f, ps, pe));
      const ids = prepared.map((p) => p.finding.finding_id);
      const before = await this.#readStates(ids, true);
      const requests: { PutRequest: { Item: Item } }[] = [];
      const replaced: string[] = [];
      for (const p of prepared) {
        const id = p.finding.finding_id;
        const state = before.get(id);
        if (state?.current !== undefined && state.current.venue !== p.finding.venue) {
          throw new StoreIntegrityError(
            `finding_id ${id} already belongs to another venue; finding ids must include the venue`,
          );
        }
        const review = reviewState(state?.review, state?.current);
        const current: Item = {
          ...keys.finding(id),
          ...p.current,
          status: review.status,
          version: review.version,
          history: review.history,
          first_run_id: state?.current?.first_run_id ?? p.finding.run_id,
          gsi3pk: keys.byVenueStatus(p.finding.venue, review.status),
        };
        requests.push({ PutRequest: { Item: p.occurrence } });
        // A rerun of the same inputs finds the item as it would write it: nothing to write, nothing to race with.
        if (state?.current !== undefined && sameItem(state.current, current)) continue;
        requests.push({ PutRequest: { Item: current } });
        replaced.push(id);
      }
      await batchWriteAll(this.#doc, this.tableName, requests, this.#policy, this.#writeConcurrency);
      // A response that landed between the read and the write had its copy overwritten: copy it again.
      const after = await this.#readStates(replaced, false, REVIEW_READ);
      const overtaken = replaced.flatMap((id) => {
        const now = after.get(id)?.review;
        return now !== undefined && reviewVersion(now) !== reviewVersion(before.get(id)?.review) ? [now] : [];
      });
      await mapLimit(overtaken, this.#concurrency, (review) => this.#copyReview(review));
      written += chunk.length;
      opts.onWritten?.(chunk.length);
      chunk = [];
    };
    for await (const f of findings) {
      if (f.run_id !== run.run_id) {
        throw new StoreValidationError(`finding ${f.finding_id} belongs to run ${f.run_id}, not ${run.run_id}`);
      }
      if (f.venue !== run.venue) {
        throw new StoreValidationError(`finding ${f.finding_id} is of venue ${f.venue}, not ${run.venue}`);
      }
      if (typeof f.finding_id !== 'string' || f.finding_id === '') {
        throw new StoreValidationError('a finding has no finding_id');
      }
      if (!SEVERITIES.includes(f.severity)) {
        throw new StoreValidationError(`finding ${f.finding_id} has unknown severity ${JSON.stringify(f.severity)}`);
      }
      if (seen.has(f.finding_id)) {
        throw new StoreValidationError(`finding_id ${f.finding_id} occurs twice in run ${run.run_id}`);
      }
      seen.add(f.finding_id);
      chunk.push(f);
      if (chunk.length === INGEST_CHUNK) await flush();
    }
    await flush();
    return { written };
  }

  async getFinding(findingId: string): Promise<StoredFinding | undefined> {
    const state = (await this.#readStates([findingId], true)).get(findingId);
    if (state?.current === undefined) return undefined;
    return this.#toStored(state.current, withReview(state.current, state.review));
  }

  /**
   * Records a review response: sets the status and appends {status, by, at, note} to the history. Conditioned on the
   * version read, retried on a lost race, so concurrent responders each add their entry.
   */
  async respond(findingId: string, input: RespondInput): Promise<StoredFinding> {
    if (!FINDING_STATUSES.includes(input.status)) {
      throw new StoreValidationError(
        `unknown status ${JSON.stringify(input.status)}; use one of ${FINDING_STATUSES.join(', ')}`,
      );
    }
    const by = typeof input.by === 'string' ? input.by.trim() : '';
    if (by === '') throw new StoreValidationError('a response needs the name of who gives it (by)');
    const note = typeof input.note === 'string' && input.note.trim() !== '' ? input.note : null;
    if (note === null && STATUSES_NEEDING_NOTE.includes(input.status)) {
      throw new StoreValidationError(`status ${input.status} needs a note saying why`);
    }
    const entry: HistoryEntry = { status: input.status, by, at: toIso(input.at, 'at'), note };
    for (let attempt = 0; attempt < this.#policy.maxAttempts; attempt++) {
      const state = (await this.#readStates([findingId], true)).get(findingId);
      if (state?.current === undefined) throw new FindingNotFoundError(findingId);
      const prior = reviewState(state.review, state.current);
      const review: Item = {
        ...keys.review(findingId),
        entity: 'review',
        finding_id: findingId,
        venue: state.current.venue,
        status: input.status,
        version: prior.version + 1,
        history: [...prior.history, entry],
      };
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: review,
            ...(state.review === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': prior.version },
                }),
          }),
        );
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') {
          throw new StoreError(`cannot record the response to ${findingId}`, { cause: err });
        }
        await this.#policy.sleep(backoffMs(attempt) / 5);
        continue;
      }
      const current = await this.#copyReview(review);
      return await this.#toStored(current, current);
    }
    throw new StoreError(`the response to ${findingId} lost ${this.#policy.maxAttempts} races in a row; try again`);
  }

  /**
   * Findings matching every given filter, sorted by check_id, then subject (then venue, period). With run_id: exactly
   * the findings that run reported, as it reported them, with their current review status.
   */
  async listFindings(filters: FindingFilters = {}): Promise<StoredFinding[]> {
    const from = filters.from === undefined ? undefined : requireInstantKey(filters.from, 'from');
    const to = filters.to === undefined ? undefined : requireInstantKey(filters.to, 'to');
    let found: StoredFinding[];
    if (filters.run_id !== undefined) {
      found = await this.#runFindings(filters.run_id);
    } else {
      const items: Item[] = [];

      if (filters.check_id !== undefined) {
        for await (const i of this.#query({
          IndexName: 'gsi1',
          KeyConditionExpression: `gsi1pk = :pk${dateRange(from, to, 'gsi1sk').condition}`,
          ExpressionAttributeValues: { ':pk': keys.byCheck(filters.check_id), ...dateRange(from, to, 'gsi1sk').values },
        }))
          items.push(i);
      } else if (filters.account_id !== undefined) {
        for await (const i of this.#query({
          IndexName: 'gsi2',
          KeyConditionExpression: `gsi2pk = :pk${dateRange(from, to, 'gsi2sk').condition}`,
          ExpressionAttributeValues: {
            ':pk': keys.byAccount(filters.account_id),
            ...dateRange(from, to, 'gsi2sk').values,
          },
        }))
          items.push(i);
      } else if (filters.venue !== undefined) {
        const statuses = filters.status === undefined ? FINDING_STATUSES : [filters.status];
        for (const status of statuses) {
          const sev = filters.severity === undefined ? {} : { ':sev': `${SEVERITY_KEY[filters.severity]}#` };
          for await (const i of this.#query({
            IndexName: 'gsi3',
            KeyConditionExpression: `gsi3pk = :pk${filters.severity === undefined ? '' : ' AND begins_with(gsi3sk, :sev)'}`,
            ExpressionAttributeValues: { ':pk': keys.byVenueStatus(filters.venue, status), ...sev },
          }))
            items.push(i);
        }
      } else {
        for await (const i of this.#scanFindings()) items.push(i);
      }
      found = await mapLimit(items, this.#concurrency, (i) => this.#toStored(i, i));
    }
    return sortStored(found.filter((f) => matches(f, filters, from, to)));
  }

  /** The findings of one run exactly as it reported them, in findings.jsonl order. */
  async runFindings(runId: string): Promise<Finding[]> {
    return sortStored(await this.#runFindings(runId)).map(canonicalFinding);
  }

  /** Open (not retired) findings of a venue, most severe first, optionally of one severity. */
  async openFindings(venue: string, severity?: Severity): Promise<StoredFinding[]> {
    const found = await this.listFindings({ venue, status: 'open', ...(severity !== undefined ? { severity } : {}) });
    return found.sort((a, b) => cmp(SEVERITY_KEY[a.severity], SEVERITY_KEY[b.severity]));
  }

  /** Findings of one check across runs whose date (ts, else period start) is in [from, to). */
  async findingsByCheck(checkId: string, from?: string, to?: string): Promise<StoredFinding[]> {
    return this.listFindings({
      check_id: checkId,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
  }

  /** Findings about one account across runs. */
  async findingsByAccount(accountId: string): Promise<StoredFinding[]> {
    return this.listFindings({ account_id: accountId });
  }

  // ---- internals ---------------------------------------------------------------------------------------------------

  async #prepare(
    run: RunRef,
    f: Finding,
    ps: string,
    pe: string,
  ): Promise<{ finding: Finding; occurrence: Item; current: Item }> {
    const line = findingJsonLine(f);
    const bytes = Buffer.from(line, 'utf8');
    let body: { finding_json: string } | { finding_ref: BlobRef };
    if (bytes.length <= this.#inlineLimit) {
      body = { finding_json: line };
    } else {
      if (this.#blobs === undefined) {
        throw new StoreValidationError(
          `finding ${f.finding_id} is ${bytes.length} bytes, over the ${this.#inlineLimit}-byte item limit, and no evidence blob store is configured`,
        );
      }
      body = { finding_ref: await this.#blobs.put(f.finding_id, bytes) };
    }
    // The finding's own fields but its text and evidence (those are in finding_json or the blob).
    const { title: _title, detail: _detail, evidence: _evidence, ...fields } = canonicalFinding(f);
    const summary = {
      ...fields,
      period_start: run.period_start,
      period_end: run.period_end,
    };
    const date = (f.ts !== null && f.ts !== undefined ? instantKey(f.ts) : undefined) ?? ps;
    const current: Item = {
      entity: 'finding',
      ...summary,
      ...body,
      gsi1pk: keys.byCheck(f.check_id),
      gsi1sk: `${date}#${f.finding_id}`,
      gsi3sk: `${SEVERITY_KEY[f.severity]}#${date}#${f.finding_id}`,
      gsi4pk: keys.byVenuePeriod(f.venue, ps, pe),
      gsi4sk: `F#${f.finding_id}`,
      ...(f.account_id ? { gsi2pk: keys.byAccount(f.account_id), gsi2sk: `${date}#${f.finding_id}` } : {}),
    };
    const occurrence: Item = {
      ...keys.occurrence(run.run_id, f.finding_id),
      entity: 'occurrence',
      ...summary,
      ...body,
    };
    return { finding: f, occurrence, current };
  }

  /** The current and review items of these findings, by finding_id (review items only when asked). */
  async #readStates(
    ids: string[],
    withCurrent: boolean,
    projection?: readonly string[],
  ): Promise<Map<string, { current?: Item; review?: Item }>> {
    const wanted = ids.flatMap((id) => (withCurrent ? [keys.finding(id), keys.review(id)] : [keys.review(id)]));
    const items = await batchGetAll(this.#doc, this.tableName, wanted, this.#policy, this.#concurrency, projection);
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

  /**
   * Copies a review item onto the current item (status, version, history, status index key) unless the copy there
   * is already as new; returns the current item as it then is.
   */
  async #copyReview(review: Item): Promise<Item> {
    const findingId = String(review.finding_id);
    try {
      const res = await this.#doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.finding(findingId),
          UpdateExpression: 'SET #status = :status, #version = :version, #history = :history, gsi3pk = :g3',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#version) OR #version < :version)',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version', '#history': 'history' },
          ExpressionAttributeValues: {
            ':status': review.status,
            ':version': review.version,
            ':history': review.history,
            ':g3': keys.byVenueStatus(String(review.venue), review.status as FindingStatus),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return res.Attributes as Item;
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') {
        throw new StoreError(`cannot copy the review of ${findingId}`, { cause: err });
      }
    }
    // The copy is already as new (a later response, or an ingestion that read this review).
    const res = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.finding(findingId), ConsistentRead: true }),
    );
    if (res.Item === undefined) throw new FindingNotFoundError(findingId);
    return res.Item;
  }

  async #runFindings(runId: string): Promise<StoredFinding[]> {
    const occurrences: Item[] = [];
    for await (const i of this.#query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
      ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':f': 'F#' },
    }))
      occurrences.push(i);
    const states = await this.#readStates(
      occurrences.map((o) => String(o.finding_id)),
      true,
    );
    return mapLimit(occurrences, this.#concurrency, (o) => {
      const state = states.get(String(o.finding_id));
      return this.#toStored(o, state?.current === undefined ? undefined : withReview(state.current, state.review));
    });
  }

  async #countOccurrences(runId: string): Promise<number> {
    let count = 0;
    let start: Item | undefined;
    do {
      const res = await this.#doc.send(
        new QueryCommand({
          TableName: this.tableName,
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

  async #deleteOccurrences(runId: string): Promise<void> {
    const stale: Item[] = [];
    for await (const i of this.#query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
      ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':f': 'F#' },
      ProjectionExpression: 'pk, sk',
    }))
      stale.push(i);
    await batchWriteAll(
      this.#doc,
      this.tableName,
      stale.map((i) => ({ DeleteRequest: { Key: { pk: i.pk, sk: i.sk } } })),
      this.#policy,
    );
  }

  async #retireUnreported(run: RunRecord): Promise<void> {
    const pk = keys.byVenuePeriod(
      run.venue,
      requireInstantKey(run.period_start, 'period_start'),
      requireInstantKey(run.period_end, 'period_end'),
    );
    const stale: string[] = [];
    for await (const i of this.#query({
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :pk AND begins_with(gsi4sk, :f)',
      ExpressionAttributeValues: { ':pk': pk, ':f': 'F#' },
      ProjectionExpression: 'finding_id, run_id, retired_by_run',
    })) {
      if (i.run_id !== run.run_id && i.retired_by_run === undefined) stale.push(String(i.finding_id));
    }
    await mapLimit(stale, this.#concurrency, async (findingId) => {
      try {
        await this.#doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.finding(findingId),
            UpdateExpression: 'SET retired_by_run = :run',
            ConditionExpression: 'attribute_exists(pk) AND run_id <> :run',
            ExpressionAttributeValues: { ':run': run.run_id },
          }),
        );
      } catch (err) {
        // A run that reported it meanwhile wins: the finding is current again.
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      }
    });
  }

  async *#query(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Item> {
    let start: Item | undefined;
    do {
      const res = await this.#doc.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ...(input.IndexName === undefined ? { ConsistentRead: true } : {}),
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) yield i;
      start = res.LastEvaluatedKey;
    } while (start !== undefined);
  }

  async *#scanFindings(): AsyncGenerator<Item> {
    let start: Item | undefined;
    do {
      const res = await this.#doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :finding',
          ExpressionAttributeValues: { ':finding': SK_FINDING },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) yield i;
      start = res.LastEvaluatedKey;
    } while (start !== undefined);
  }

  /** Content from `content` (an occurrence or a current item), review state from `state` (the current item). */
  async #toStored(content: Item, state: Item | undefined): Promise<StoredFinding> {
    let finding: Finding;
    if (typeof content.finding_json === 'string') {
      finding = JSON.parse(content.finding_json) as Finding;
    } else if (content.finding_ref !== undefined) {
      if (this.#blobs === undefined) {
        throw new StoreError(
          `finding ${String(content.finding_id)} is kept in the blob store, which is not configured`,
        );
      }
      const bytes = await this.#blobs.get(content.finding_ref as BlobRef);
      finding = JSON.parse(bytes.toString('utf8')) as Finding;
    } else {
      throw new StoreIntegrityError(`item ${String(content.pk)} ${String(content.sk)} holds no finding`);
    }
    if (finding.finding_id !== content.finding_id) {
      throw new StoreIntegrityError(`stored finding ${String(content.finding_id)} holds ${finding.finding_id}`);
    }
    return {
      ...canonicalFinding(finding),
      period_start: String(content.period_start),
      period_end: String(content.period_end),
      status: (state?.status as FindingStatus | undefined) ?? 'open',
      version: Number(state?.version ?? 0),
      history: ((state?.history as HistoryEntry[] | undefined) ?? []).map((h) => ({
        status: h.status,
        by: h.by,
        at: h.at,
        note: h.note ?? null,
      })),
      first_run_id: String(state?.first_run_id ?? finding.run_id),
      retired_by_run: (state?.retired_by_run as string | undefined) ?? null,
    };
  }
}

// ---- helpers -------------------------------------------------------------------------------------------------------

/** Review state: the review item when there is one, else what the current item holds (open when nothing). */
function reviewState(
  review: Item | undefined,
  current: Item | undefined,
): { status: FindingStatus; version: number; history: HistoryEntry[] } {
  const source = review ?? current;
  return {
    status: (source?.status as FindingStatus | undefined) ?? 'open',
    version: Number(source?.version ?? 0),
    history: (source?.history as HistoryEntry[] | undefined) ?? [],
  };
}

/** Whether two items hold the same attributes with the same values (key order aside). */
function sameItem(a: Item, b: Item): boolean {
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

function reviewVersion(review: Item | undefined): number {
  return review === undefined ? -1 : Number(review.version ?? 0);
}

/** The current item with the review item's state when that is newer than the copy it holds. */
function withReview(current: Item, review: Item | undefined): Item {
  if (review === undefined || reviewVersion(review) <= Number(current.version ?? 0)) return current;
  return { ...current, status: review.status, version: review.version, history: review.history };
}

function setClauses(values: Item): { names: Record<string, string>; sets: string[]; vals: Item } {
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

function dateRange(from: string | undefined, to: string | undefined, sk: string): { condition: string; values: Item } {
  // Sort keys are `<20-digit date>#<id>`: `< to` excludes the date `to` itself, `>= from` includes `from`.
  if (from !== undefined && to !== undefined) {
    return { condition: ` AND ${sk} BETWEEN :from AND :to`, values: { ':from': from, ':to': to } };
  }
  if (from !== undefined) return { condition: ` AND ${sk} >= :from`, values: { ':from': from } };
  if (to !== undefined) return { condition: ` AND ${sk} < :to`, values: { ':to': to } };
  return { condition: '', values: {} };
}

function findingDateKey(f: StoredFinding): string {
  return (f.ts !== null ? instantKey(f.ts) : undefined) ?? requireInstantKey(f.period_start, 'period_start');
}

function matches(f: StoredFinding, q: FindingFilters, from: string | undefined, to: string | undefined): boolean {
  if (q.run_id !== undefined && f.run_id !== q.run_id) return false;
  if (q.check_id !== undefined && f.check_id !== q.check_id) return false;
  if (q.account_id !== undefined && f.account_id !== q.account_id) return false;
  if (q.severity !== undefined && f.severity !== q.severity) return false;
  if (q.status !== undefined && f.status !== q.status) return false;
  if (q.venue !== undefined && f.venue !== q.venue) return false;
  if (from !== undefined || to !== undefined) {
    const d = findingDateKey(f);
    if (from !== undefined && d < from) return false;
    if (to !== undefined && d >= to) return false;
  }
  if (q.run_id === undefined && q.include_retired !== true && f.retired_by_run !== null) return false;
  return true;
}

function sortStored<T extends StoredFinding>(found: T[]): T[] {
  return found.sort(
    (a, b) =>
      compareFindings(a, b) ||
      cmp(a.venue, b.venue) ||
      cmp(a.period_start, b.period_start) ||
      cmp(a.finding_id, b.finding_id),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toIso(at: Date | string, what: string): string {
  const iso = at instanceof Date ? (Number.isNaN(at.getTime()) ? '' : at.toISOString()) : at;
  if (instantKey(iso) === undefined) {
    throw new StoreValidationError(`${what} is not an RFC 3339 UTC timestamp: ${JSON.stringify(String(at))}`);
  }
  return iso;
}

function toRunRecord(i: Item): RunRecord {
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
    tool_version: (i.tool_version as string | null | undefined) ?? null,
    status: i.status as RunStatus,
    started_at: String(i.started_at),
    completed_at: (i.completed_at as string | null | undefined) ?? null,
    failed_at: (i.failed_at as string | null | undefined) ?? null,
    error: (i.error as string | null | undefined) ?? null,
    counts: (i.counts as Record<string, CheckCounts> | null | undefined) ?? null,
    findings_total: (i.findings_total as number | null | undefined) ?? null,
    attempts: Number(i.attempts ?? 0),
  };
}
