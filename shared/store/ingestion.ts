/**
 * Ingestion: a run's findings, written as the run's own occurrences (R#<run_id> / F#<finding_id>), exactly as it
 * reports them. They reach the current view when the run completes (currentView.ts). A finding_id stored for another
 * venue is refused before anything of its batch is written. A rerun of an accepted run (same run_id, so the same
 * inputs, parameters and rules version) writes nothing: it checks that it reports exactly what was accepted.
 */
import { type Finding, SEVERITIES } from '../contract/finding.js';
import { batchGetAll, batchWriteAll, mapLimit } from './batch.js';
import type { Item, StoreContext } from './context.js';
import { StoreIntegrityError, StoreValidationError } from './errors.js';
import { type BlobRef, sha256Hex } from './evidenceBlobs.js';
import { canonicalFinding, findingJsonLine } from './findingJson.js';
import { getRun } from './runs.js';
import { keys } from './tableDesign.js';
import type { RunRef } from './types.js';

/** Findings checked and written together while ingesting. */
const INGEST_CHUNK = 500;

/**
 * Stores the findings of a run as the run's own copy of each. Findings must belong to the run (run_id, venue) and
 * have distinct ids.
 */
export async function recordFindings(
  ctx: StoreContext,
  run: RunRef,
  findings: Iterable<Finding> | AsyncIterable<Finding>,
  opts: { onWritten?: (n: number) => void } = {},
): Promise<{ written: number }> {
  const accepted = (await getRun(ctx, run.run_id))?.acceptance ?? null;
  const seen = new Set<string>();
  let chunk: Finding[] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    if (accepted !== null) await checkAcceptedOccurrences(ctx, run, chunk);
    else await writeOccurrences(ctx, run, chunk);
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

async function writeOccurrences(ctx: StoreContext, run: RunRef, chunk: Finding[]): Promise<void> {
  const venues = new Map<string, unknown>();
  const items = await batchGetAll(
    ctx.doc,
    ctx.tableName,
    chunk.map((f) => keys.finding(f.finding_id)),
    ctx.policy,
    ctx.concurrency,
    ['finding_id', 'venue'],
  );
  for (const i of items) venues.set(String(i.finding_id), i.venue);
  for (const f of chunk) {
    const venue = venues.get(f.finding_id);
    if (venue !== undefined && venue !== f.venue) {
      throw new StoreIntegrityError(
        `finding_id ${f.finding_id} already belongs to another venue; finding ids must include the venue`,
      );
    }
  }
  const occurrences = await mapLimit(chunk, ctx.concurrency, (f) => prepare(ctx, run, f));
  await batchWriteAll(
    ctx.doc,
    ctx.tableName,
    occurrences.map((Item) => ({ PutRequest: { Item } })),
    ctx.policy,
    ctx.writeConcurrency,
  );
}

/** A rerun of an accepted run must report exactly what was accepted; nothing of it is written. */
async function checkAcceptedOccurrences(ctx: StoreContext, run: RunRef, chunk: Finding[]): Promise<void> {
  const stored = new Map<string, Item>();
  const items = await batchGetAll(
    ctx.doc,
    ctx.tableName,
    chunk.map((f) => keys.occurrence(run.run_id, f.finding_id)),
    ctx.policy,
    ctx.concurrency,
    ['finding_id', 'finding_json', 'finding_ref'],
  );
  for (const i of items as Item[]) stored.set(String(i.finding_id), i);
  for (const f of chunk) {
    const line = findingJsonLine(f);
    const o = stored.get(f.finding_id);
    const same =
      o !== undefined &&
      (typeof o.finding_json === 'string'
        ? o.finding_json === line
        : (o.finding_ref as BlobRef | undefined)?.sha256 === sha256Hex(Buffer.from(line, 'utf8')));
    if (!same) {
      throw new StoreIntegrityError(
        `run ${run.run_id} is accepted, and this rerun reports finding ${f.finding_id} differently; the accepted findings are kept unchanged`,
      );
    }
  }
}

async function prepare(ctx: StoreContext, run: RunRef, f: Finding): Promise<Item> {
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
  return {
    ...keys.occurrence(run.run_id, f.finding_id),
    entity: 'occurrence',
    ...fields,
    period_start: run.period_start,
    period_end: run.period_end,
    ...body,
  };
}
