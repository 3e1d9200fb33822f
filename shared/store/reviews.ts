/**
 * Review responses. The review item (F#<id> / REVIEW) is the record of every response and only responders write it:
 * a PutItem conditioned on the version read, retried on a lost race, so concurrent responders all land. Its status,
 * version and history are then copied onto the finding's current item (for the status index), conditioned on the
 * copy being older, so copies only move forward.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { backoffMs } from './batch.js';
import { type Item, isConditionFailure, readStates, type StoreContext, toIso } from './context.js';
import { FindingNotFoundError, StoreError, StoreValidationError } from './errors.js';
import { reviewState, toStored } from './findingItems.js';
import { keys } from './tableDesign.js';
import {
  FINDING_STATUSES,
  type FindingStatus,
  type HistoryEntry,
  type RespondInput,
  STATUSES_NEEDING_NOTE,
  type StoredFinding,
} from './types.js';

/**
 * Records a review response: sets the status and appends {status, by, at, note} to the history. Conditioned on the
 * version read, retried on a lost race, so concurrent responders each add their entry.
 */
export async function respond(ctx: StoreContext, findingId: string, input: RespondInput): Promise<StoredFinding> {
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
  for (let attempt = 0; attempt < ctx.policy.maxAttempts; attempt++) {
    const state = (await readStates(ctx, [findingId], true)).get(findingId);
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
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
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
      if (!isConditionFailure(err)) {
        throw new StoreError(`cannot record the response to ${findingId}`, { cause: err });
      }
      await ctx.policy.sleep(backoffMs(attempt) / 5);
      continue;
    }
    const current = await copyReview(ctx, review);
    return await toStored(ctx, current, current);
  }
  throw new StoreError(`the response to ${findingId} lost ${ctx.policy.maxAttempts} races in a row; try again`);
}

/**
 * Copies a review item onto the current item (status, version, history, status index key) unless the copy there
 * is already as new; returns the current item as it then is.
 */
export async function copyReview(ctx: StoreContext, review: Item): Promise<Item> {
  const findingId = String(review.finding_id);
  try {
    const res = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
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
    if (!isConditionFailure(err)) {
      throw new StoreError(`cannot copy the review of ${findingId}`, { cause: err });
    }
  }
  // The copy is already as new (a later response, or an ingestion that read this review).
  const res = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.finding(findingId), ConsistentRead: true }),
  );
  if (res.Item === undefined) throw new FindingNotFoundError(findingId);
  return res.Item;
}
