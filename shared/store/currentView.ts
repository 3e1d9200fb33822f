/**
 * The current view: one item per finding_id (F#<id> / FINDING) that venue-wide queries serve. Its content follows
 * the accepted run of the finding's venue and period; while no run of that period is accepted, every completed run's
 * findings are in it, each as the last run to complete reported it (nothing is retired before an acceptance).
 *
 * - A completed draft of a period with no accepted run writes its findings into the view (promoteDraft).
 * - A completed draft of a period with an accepted run only creates the items it is the first to report, outside the
 *   view (retired_by_run = the accepted run), so a response to them works; it never changes an existing item.
 * - Accepting a run writes its findings into the view and retires those of the period it does not report
 *   (followAcceptedRun).
 *
 * Items are written in batches (no condition): the review items are read first and copied, read again afterwards,
 * and every copy a response overtook meanwhile is repaired with a version-conditioned update, so no response is lost.
 * After writing, the period's accepted run is read again: if another acceptance landed meanwhile, the view is brought
 * to that run, as its own writes may have been overtaken by these.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Severity } from '../contract/finding.js';
import { batchWriteAll, mapLimit } from './batch.js';
import { type Item, isConditionFailure, query, readStates, type StoreContext, sameItem } from './context.js';
import { StoreError, StoreIntegrityError } from './errors.js';
import { reviewState, reviewVersion } from './findingItems.js';
import { copyReview } from './reviews.js';
import { instantKey, keys, requireInstantKey, SEVERITY_KEY } from './tableDesign.js';
import type { Period, RetiredFinding } from './types.js';

/** Occurrences read and written to the view together. */
const VIEW_CHUNK = 500;
/** What is read again of the review items after writing (not the history). */
const REVIEW_READ = ['pk', 'sk', 'finding_id', 'venue', 'status', 'version', 'history'] as const;

export interface VenuePeriod extends Period {
  venue: string;
}

/**
 * The period item: which run is the accepted one, the one it replaced, how many acceptances there were, and whether
 * the latest is settled (its acceptance finished; until then no other run can claim the period).
 */
export interface AcceptedPointer {
  run_id: string;
  previous_run_id: string | null;
  seq: number;
  settled: boolean;
}

/** gsi4's partition of a venue and period: its runs (`R#…`) and its findings' view items (`F#…`). */
export function venuePeriodIndexKey(where: VenuePeriod): string {
  return keys.byVenuePeriod(
    where.venue,
    requireInstantKey(where.period_start, 'period_start'),
    requireInstantKey(where.period_end, 'period_end'),
  );
}

export function acceptedKey(where: VenuePeriod): { pk: string; sk: string } {
  return keys.accepted(
    where.venue,
    requireInstantKey(where.period_start, 'period_start'),
    requireInstantKey(where.period_end, 'period_end'),
  );
}

export async function readAccepted(ctx: StoreContext, where: VenuePeriod): Promise<AcceptedPointer | undefined> {
  const res = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: acceptedKey(where), ConsistentRead: true }),
  );
  if (res.Item === undefined) return undefined;
  return {
    run_id: String(res.Item.run_id),
    previous_run_id: (res.Item.previous_run_id as string | null | undefined) ?? null,
    seq: Number(res.Item.seq ?? 0),
    settled: res.Item.settled !== false,
  };
}

/** A completed draft: into the view when its period has no accepted run, else only what is new, outside the view. */
export async function promoteDraft(ctx: StoreContext, run: VenuePeriod & { run_id: string }): Promise<void> {
  const accepted = await readAccepted(ctx, run);
  if (accepted !== undefined) {
    await forEachOccurrenceChunk(ctx, run.run_id, (chunk) => createOutsideView(ctx, chunk, accepted.run_id));
    return;
  }
  await forEachOccurrenceChunk(ctx, run.run_id, (chunk) => writeIntoView(ctx, chunk));
  const now = await readAccepted(ctx, run);
  if (now !== undefined) await followAcceptedRun(ctx, run, now.run_id);
}

/**
 * Brings the view of a venue and period to its accepted run: that run's findings, as it reported them, in the view;
 * every other finding of the period in the view retired by it. Returns the findings it retired.
 */
export async function followAcceptedRun(
  ctx: StoreContext,
  where: VenuePeriod,
  runId: string,
): Promise<RetiredFinding[]> {
  const retired = new Map<string, RetiredFinding>();
  let target = runId;
  for (let attempt = 0; attempt < ctx.policy.maxAttempts; attempt++) {
    const reported = new Set<string>();
    await forEachOccurrenceChunk(ctx, target, async (chunk) => {
      for (const o of chunk) reported.add(String(o.finding_id));
      await writeIntoView(ctx, chunk);
    });
    for (const f of await retireUnreported(ctx, where, target, reported)) retired.set(f.finding_id, f);
    const now = await readAccepted(ctx, where);
    if (now === undefined || now.run_id === target) return [...retired.values()];
    target = now.run_id;
  }
  throw new StoreError(
    `the accepted run of ${where.venue} ${where.period_start} kept changing while its findings were brought up to date; try again`,
  );
}

async function forEachOccurrenceChunk(
  ctx: StoreContext,
  runId: string,
  fn: (chunk: Item[]) => Promise<void>,
): Promise<void> {
  let chunk: Item[] = [];
  for await (const o of query(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
    ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':f': 'F#' },
  })) {
    chunk.push(o);
    if (chunk.length === VIEW_CHUNK) {
      await fn(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await fn(chunk);
}

/** The view item's content and index keys, from an occurrence (a finding as one run reported it). */
function contentOf(occurrence: Item): Item {
  const { pk: _pk, sk: _sk, entity: _entity, ...content } = occurrence;
  const id = String(content.finding_id);
  const ps = requireInstantKey(String(content.period_start), 'period_start');
  const pe = requireInstantKey(String(content.period_end), 'period_end');
  const date = (typeof content.ts === 'string' ? instantKey(content.ts) : undefined) ?? ps;
  const severity = content.severity as Severity;
  return {
    entity: 'finding',
    ...content,
    gsi1pk: keys.byCheck(String(content.check_id)),
    gsi1sk: `${date}#${id}`,
    gsi3sk: `${SEVERITY_KEY[severity]}#${date}#${id}`,
    gsi4pk: keys.byVenuePeriod(String(content.venue), ps, pe),
    gsi4sk: `F#${id}`,
    ...(content.account_id ? { gsi2pk: keys.byAccount(String(content.account_id)), gsi2sk: `${date}#${id}` } : {}),
  };
}

/** Writes these occurrences' findings into the view, keeping every review state (see the module comment). */
async function writeIntoView(ctx: StoreContext, occurrences: Item[]): Promise<void> {
  const before = await readStates(
    ctx,
    occurrences.map((o) => String(o.finding_id)),
    true,
  );
  const requests: { PutRequest: { Item: Item } }[] = [];
  const replaced: string[] = [];
  for (const o of occurrences) {
    const id = String(o.finding_id);
    const state = before.get(id);
    if (state?.current !== undefined && state.current.venue !== o.venue) {
      throw new StoreIntegrityError(
        `finding_id ${id} already belongs to another venue; finding ids must include the venue`,
      );
    }
    const review = reviewState(state?.review, state?.current);
    const current: Item = {
      ...keys.finding(id),
      ...contentOf(o),
      status: review.status,
      version: review.version,
      history: review.history,
      first_run_id: state?.current?.first_run_id ?? o.run_id,
      gsi3pk: keys.byVenueStatus(String(o.venue), review.status),
    };
    // A rerun of the same inputs finds the item as it would write it: nothing to write, nothing to race with.
    if (state?.current !== undefined && sameItem(state.current, current)) continue;
    requests.push({ PutRequest: { Item: current } });
    replaced.push(id);
  }
  await batchWriteAll(ctx.doc, ctx.tableName, requests, ctx.policy, ctx.writeConcurrency);
  // A response that landed between the read and the write had its copy overwritten: copy it again.
  const after = await readStates(ctx, replaced, false, REVIEW_READ);
  const overtaken = replaced.flatMap((id) => {
    const now = after.get(id)?.review;
    return now !== undefined && reviewVersion(now) !== reviewVersion(before.get(id)?.review) ? [now] : [];
  });
  await mapLimit(overtaken, ctx.concurrency, (review) => copyReview(ctx, review));
}

/**
 * Creates the view items of findings no run of the period reported before, outside the view: one conditional put each
 * (rare: a draft of an accepted period reporting something new), so an item another writer created is never replaced.
 */
async function createOutsideView(ctx: StoreContext, occurrences: Item[], acceptedRunId: string): Promise<void> {
  const states = await readStates(
    ctx,
    occurrences.map((o) => String(o.finding_id)),
    true,
  );
  const fresh = occurrences.filter((o) => states.get(String(o.finding_id))?.current === undefined);
  await mapLimit(fresh, ctx.concurrency, async (o) => {
    const id = String(o.finding_id);
    const review = reviewState(states.get(id)?.review, undefined);
    try {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            ...keys.finding(id),
            ...contentOf(o),
            status: review.status,
            version: review.version,
            history: review.history,
            first_run_id: o.run_id,
            retired_by_run: acceptedRunId,
            gsi3pk: keys.byVenueStatus(String(o.venue), review.status),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw new StoreError(`cannot create the view item of ${id}`, { cause: err });
    }
  });
}

/** Retires the findings of the period in the view that `runId` does not report; one conditional update each. */
async function retireUnreported(
  ctx: StoreContext,
  where: VenuePeriod,
  runId: string,
  reported: ReadonlySet<string>,
): Promise<RetiredFinding[]> {
  const candidates: RetiredFinding[] = [];
  for await (const i of query(ctx, {
    IndexName: 'gsi4',
    KeyConditionExpression: 'gsi4pk = :pk AND begins_with(gsi4sk, :f)',
    ExpressionAttributeValues: {
      ':pk': venuePeriodIndexKey(where),
      ':f': 'F#',
    },
    ProjectionExpression: '#id, #retired, #check, #severity, #subject',
    ExpressionAttributeNames: {
      '#id': 'finding_id',
      '#retired': 'retired_by_run',
      '#check': 'check_id',
      '#severity': 'severity',
      '#subject': 'subject',
    },
  })) {
    const id = String(i.finding_id);
    if ((i.retired_by_run ?? null) !== null || reported.has(id)) continue;
    candidates.push({
      finding_id: id,
      check_id: String(i.check_id),
      severity: i.severity as Severity,
      subject: String(i.subject),
    });
  }
  const retired = await mapLimit(candidates, ctx.concurrency, async (f) => {
    try {
      await ctx.doc.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: keys.finding(f.finding_id),
          UpdateExpression: 'SET retired_by_run = :run',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(retired_by_run) OR retired_by_run = :null)',
          ExpressionAttributeValues: { ':run': runId, ':null': null },
        }),
      );
      return f;
    } catch (err) {
      // Retired meanwhile by a concurrent acceptance: not this one's to report.
      if (!isConditionFailure(err)) throw new StoreError(`cannot retire ${f.finding_id}`, { cause: err });
      return undefined;
    }
  });
  return retired.filter((f): f is RetiredFinding => f !== undefined);
}
