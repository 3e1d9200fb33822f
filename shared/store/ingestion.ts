/**
 * Ingestion: a run's findings, written as the run's own occurrences and as the current state of each finding.
 * Current items are written in batches (one round trip per 25, not one per finding): the review items are read first
 * and copied, then read again, and every copy a response overtook meanwhile is repaired with a version-conditioned
 * update. So a rerun can never reset what a person decided.
 */
import { type Finding, SEVERITIES } from '../contract/finding.js';
import { batchWriteAll, mapLimit } from './batch.js';
import { type Item, readStates, type StoreContext, sameItem } from './context.js';
import { StoreIntegrityError, StoreValidationError } from './errors.js';
import type { BlobRef } from './evidenceBlobs.js';
import { reviewState, reviewVersion } from './findingItems.js';
import { canonicalFinding, findingJsonLine } from './findingJson.js';
import { copyReview } from './reviews.js';
import { instantKey, keys, requireInstantKey, SEVERITY_KEY } from './tableDesign.js';
import type { RunRef } from './types.js';

/** Findings read, written and checked together while ingesting. */
const INGEST_CHUNK = 500;
/** What ingestion reads again of the review items after writing (not the history). */
const REVIEW_READ = ['pk', 'sk', 'finding_id', 'venue', 'status', 'version', 'history'] as const;

/**
 * Stores the findings of a run: the run's own copy of each, and an upsert of each finding's current state that
 * keeps its review status and history. Findings must belong to the run (run_id, venue) and have distinct ids.
 */
export async function recordFindings(
  ctx: StoreContext,
  run: RunRef,
  findings: Iterable<Finding> | AsyncIterable<Finding>,
): Promise<{ written: number }> {
  const ps = requireInstantKey(run.period_start, 'period_start');
  const pe = requireInstantKey(run.period_end, 'period_end');
  const seen = new Set<string>();
  let chunk: Finding[] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const prepared = await mapLimit(chunk, ctx.concurrency, (f) => prepare(ctx, run, f, ps, pe));
    const ids = prepared.map((p) => p.finding.finding_id);
    const before = await readStates(ctx, ids, true);
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
    await batchWriteAll(ctx.doc, ctx.tableName, requests, ctx.policy, ctx.writeConcurrency);
    // A response that landed between the read and the write had its copy overwritten: copy it again.
    const after = await readStates(ctx, replaced, false, REVIEW_READ);
    const overtaken = replaced.flatMap((id) => {
      const now = after.get(id)?.review;
      return now !== undefined && reviewVersion(now) !== reviewVersion(before.get(id)?.review) ? [now] : [];
    });
    await mapLimit(overtaken, ctx.concurrency, (review) => copyReview(ctx, review));
    written += chunk.length;
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

async function prepare(
  ctx: StoreContext,
  run: RunRef,
  f: Finding,
  ps: string,
  pe: string,
): Promise<{ finding: Finding; occurrence: Item; current: Item }> {
  const line = findingJsonLine(f);
  const bytes = Buffer.from(line, 'utf8');
  let body: { finding_json: string } | { finding_ref: BlobRef };
  if (bytes.length <= ctx.inlineLimit) {
    body = { finding_json: line };
  } else {
    if (ctx.blobs === undefined) {
      throw new StoreValidationError(
        `finding ${f.finding_id} is ${bytes.length} bytes, over the ${ctx.inlineLimit}-byte item limit, and no evidence blob store is configured`,
      );
    }
    body = { finding_ref: await ctx.blobs.put(f.finding_id, bytes) };
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
