/**
 * Accepting a run: the sign-off that makes a completed run the official run of its venue and period.
 *
 * dynalite has no transactions, so acceptances of a period are serialised on one item, the period item
 * (P#<venue>#<start>#<end> / ACCEPTED, naming the accepted run), and the steps are ordered so that an interruption is
 * harmless and accepting the same run again finishes the work:
 * 1. The run must exist, be completed and not yet accepted.
 * 2. Claim: the period item is moved from the settled acceptance read (or none) to this run, unsettled, with a
 *    conditional put. Of two people accepting runs of one period at once, one claims it; the other is told which run
 *    was accepted meanwhile and nothing of theirs is written. While an acceptance is unsettled no other run can claim
 *    the period; a period item already naming this run is an acceptance of it that was interrupted (or is in flight),
 *    and is carried on.
 * 3. The current view follows this run: its findings as it reported them, the period's others retired.
 * 4. The previously accepted run is marked superseded by this one.
 * 5. The run record gets its acceptance, conditioned on having none: of two people accepting the same run at once,
 *    one is recorded; the other is told who.
 * 6. Settle: the period item is marked settled, and the next acceptance of the period may claim it.
 * Between 4 and 5 the period briefly has no accepted run; it never has two.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from './batch.js';
import { cmp, type Item, isConditionFailure, query, type StoreContext, toIso } from './context.js';
import {
  type AcceptedPointer,
  acceptedKey,
  followAcceptedRun,
  readAccepted,
  venuePeriodIndexKey,
} from './currentView.js';
import { RunNotAcceptableError, RunNotFoundError, StoreError, StoreValidationError } from './errors.js';
import { getRun, toRunRecord } from './runs.js';
import { instantKey, keys } from './tableDesign.js';
import type { AcceptRunInput, AcceptRunResult, RunAcceptance, RunRecord } from './types.js';

export async function acceptRun(ctx: StoreContext, runId: string, input: AcceptRunInput): Promise<AcceptRunResult> {
  const by = typeof input.by === 'string' ? input.by.trim() : '';
  if (by === '') throw new StoreValidationError('an acceptance needs the name of who accepts (by)');
  const note = typeof input.note === 'string' && input.note.trim() !== '' ? input.note : null;
  const acceptance: RunAcceptance = { by, at: toIso(input.at, 'at'), note };

  const run = await getRun(ctx, runId);
  if (run === undefined) throw new RunNotFoundError(runId);
  await refuseUnacceptable(ctx, run);

  const pointer = await claim(ctx, run);
  const retired = await followAcceptedRun(ctx, run, runId);
  const superseded = await supersedePrevious(ctx, run, pointer.previous_run_id);

  try {
    const res = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.run(runId),
        UpdateExpression: 'SET #acceptance = :acceptance, #supersedes = :supersedes',
        ConditionExpression: '#status = :completed AND (attribute_not_exists(#acceptance) OR #acceptance = :null)',
        ExpressionAttributeNames: { '#acceptance': 'acceptance', '#supersedes': 'supersedes', '#status': 'status' },
        ExpressionAttributeValues: {
          ':acceptance': acceptance,
          ':supersedes': superseded,
          ':completed': 'completed',
          ':null': null,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    await settle(ctx, run);
    retired.sort((a, b) => cmp(a.check_id, b.check_id) || cmp(a.subject, b.subject) || cmp(a.finding_id, b.finding_id));
    return { run: toRunRecord(res.Attributes as Item), superseded, retired };
  } catch (err) {
    if (!isConditionFailure(err)) throw new StoreError(`cannot record the acceptance of run ${runId}`, { cause: err });
  }
  // Someone accepted the same run meanwhile: theirs is the acceptance on record.
  const now = await getRun(ctx, runId);
  if (now === undefined) throw new RunNotFoundError(runId);
  await refuseUnacceptable(ctx, now);
  throw new StoreError(`the acceptance of run ${runId} could not be recorded; try again`);
}

async function refuseUnacceptable(ctx: StoreContext, run: RunRecord): Promise<void> {
  if (run.acceptance !== null) {
    // Its acceptance may have stopped just before settling the period: settle it now.
    await settle(ctx, run);
    const superseded = run.superseded_by === null ? '' : `, and superseded by run ${run.superseded_by}`;
    throw new RunNotAcceptableError(
      run.run_id,
      `run ${run.run_id} was already accepted by ${run.acceptance.by} at ${run.acceptance.at}${superseded}`,
    );
  }
  if (run.status !== 'completed') {
    throw new RunNotAcceptableError(
      run.run_id,
      `run ${run.run_id} is ${run.status}; only a completed run can be accepted`,
    );
  }
}

/** Step 2: the period item names this run, unsettled; returns it. */
async function claim(ctx: StoreContext, run: RunRecord): Promise<AcceptedPointer> {
  let pointer = await readAccepted(ctx, run);
  if (pointer?.run_id === run.run_id) return pointer;
  if (pointer !== undefined && !pointer.settled) {
    const holder = await getRun(ctx, pointer.run_id);
    if (holder === undefined || holder.acceptance === null) {
      throw new RunNotAcceptableError(
        run.run_id,
        `an acceptance of run ${pointer.run_id} for the same venue and period is in progress or was interrupted; accept run ${pointer.run_id} again to finish it, then accept run ${run.run_id} to supersede it`,
      );
    }
    // Recorded but not settled (interrupted after step 5).
    await settle(ctx, holder);
    pointer = await readAccepted(ctx, run);
  }
  const previous = pointer?.run_id ?? null;
  const claimed: AcceptedPointer = {
    run_id: run.run_id,
    previous_run_id: previous,
    seq: (pointer?.seq ?? 0) + 1,
    settled: false,
  };
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: {
          ...acceptedKey(run),
          entity: 'accepted',
          venue: run.venue,
          period_start: run.period_start,
          period_end: run.period_end,
          ...claimed,
        },
        ...(previous === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#run = :previous AND (attribute_not_exists(#settled) OR #settled = :true)',
              ExpressionAttributeNames: { '#run': 'run_id', '#settled': 'settled' },
              ExpressionAttributeValues: { ':previous': previous, ':true': true },
            }),
      }),
    );
    return claimed;
  } catch (err) {
    if (!isConditionFailure(err)) throw new StoreError(`cannot accept run ${run.run_id}`, { cause: err });
  }
  const now = await readAccepted(ctx, run);
  // The same run, accepted by someone else at the same moment: step 5 decides whose acceptance is recorded.
  if (now?.run_id === run.run_id) return now;
  throw new RunNotAcceptableError(
    run.run_id,
    `run ${now?.run_id ?? '(none)'} of ${run.venue} for the same period was accepted meanwhile; review it, then accept run ${run.run_id} again to supersede it`,
  );
}

/** Step 6: the period item naming this run is settled (no-op when it names another run or is settled). */
async function settle(ctx: StoreContext, run: RunRecord): Promise<void> {
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: acceptedKey(run),
        UpdateExpression: 'SET #settled = :true',
        ConditionExpression: '#run = :run',
        ExpressionAttributeNames: { '#run': 'run_id', '#settled': 'settled' },
        ExpressionAttributeValues: { ':run': run.run_id, ':true': true },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err))
      throw new StoreError(`cannot settle the acceptance of run ${run.run_id}`, { cause: err });
  }
}

/**
 * Step 4: every other accepted run of the period not yet superseded (normally one) is superseded by this run.
 * Returns the one this acceptance replaces. The period's runs come from an index (eventually consistent), so the run
 * the period item named before is read directly as well.
 */
async function supersedePrevious(
  ctx: StoreContext,
  run: RunRecord,
  previousFromPointer: string | null | undefined,
): Promise<string | null> {
  const ids = new Set<string>();
  if (previousFromPointer) ids.add(previousFromPointer);
  for await (const i of query(ctx, {
    IndexName: 'gsi4',
    KeyConditionExpression: 'gsi4pk = :pk AND begins_with(gsi4sk, :runs)',
    ExpressionAttributeValues: { ':pk': venuePeriodIndexKey(run), ':runs': 'R#' },
    ProjectionExpression: 'run_id',
  })) {
    ids.add(String(i.run_id));
  }
  ids.delete(run.run_id);
  // Those an interrupted earlier attempt of this acceptance already marked count as replaced by it too.
  const replaced = (await mapLimit([...ids], ctx.concurrency, (id) => getRun(ctx, id))).filter(
    (r): r is RunRecord =>
      r !== undefined && r.acceptance !== null && (r.superseded_by === null || r.superseded_by === run.run_id),
  );
  for (const r of replaced) {
    if (r.superseded_by !== null) continue;
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.run(r.run_id),
        UpdateExpression: 'SET #by = :run',
        ExpressionAttributeNames: { '#by': 'superseded_by' },
        ExpressionAttributeValues: { ':run': run.run_id },
      }),
    );
  }
  const acceptedKey = (r: RunRecord) => instantKey(r.acceptance?.at ?? '') ?? '';
  replaced.sort((a, b) => cmp(acceptedKey(b), acceptedKey(a)) || cmp(a.run_id, b.run_id));
  return replaced[0]?.run_id ?? null;
}
