/**
 * Reading findings: one finding, a run's findings exactly as it reported them, and findings across runs by check,
 * account, venue and status or date, each query served by the index that fits (README.md, access patterns) and every
 * filter applied to every result.
 */
import type { Finding, Severity } from '../contract/finding.js';
import { compareFindings } from '../findings/collector.js';
import { mapLimit } from './batch.js';
import { cmp, type Item, query, readStates, type StoreContext, scanFindings } from './context.js';
import { toStored, withReview } from './findingItems.js';
import { canonicalFinding } from './findingJson.js';
import { instantKey, keys, requireInstantKey, SEVERITY_KEY } from './tableDesign.js';
import { FINDING_STATUSES, type FindingFilters, type StoredFinding } from './types.js';

export async function getFinding(ctx: StoreContext, findingId: string): Promise<StoredFinding | undefined> {
  const state = (await readStates(ctx, [findingId], true)).get(findingId);
  if (state?.current === undefined) return undefined;
  return toStored(ctx, state.current, withReview(state.current, state.review));
}

/**
 * Findings matching every given filter, sorted by check_id, then subject (then venue, period). With run_id: exactly
 * the findings that run reported, as it reported them, with their current review status.
 */
export async function listFindings(ctx: StoreContext, filters: FindingFilters = {}): Promise<StoredFinding[]> {
  const from = filters.from === undefined ? undefined : requireInstantKey(filters.from, 'from');
  const to = filters.to === undefined ? undefined : requireInstantKey(filters.to, 'to');
  let found: StoredFinding[];
  if (filters.run_id !== undefined) {
    found = await runFindingsStored(ctx, filters.run_id);
  } else {
    const items: Item[] = [];

    if (filters.check_id !== undefined) {
      for await (const i of query(ctx, {
        IndexName: 'gsi1',
        KeyConditionExpression: `gsi1pk = :pk${dateRange(from, to, 'gsi1sk').condition}`,
        ExpressionAttributeValues: { ':pk': keys.byCheck(filters.check_id), ...dateRange(from, to, 'gsi1sk').values },
      }))
        items.push(i);
    } else if (filters.account_id !== undefined) {
      for await (const i of query(ctx, {
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
        for await (const i of query(ctx, {
          IndexName: 'gsi3',
          KeyConditionExpression: `gsi3pk = :pk${filters.severity === undefined ? '' : ' AND begins_with(gsi3sk, :sev)'}`,
          ExpressionAttributeValues: { ':pk': keys.byVenueStatus(filters.venue, status), ...sev },
        }))
          items.push(i);
      }
    } else {
      for await (const i of scanFindings(ctx)) items.push(i);
    }
    found = await mapLimit(items, ctx.concurrency, (i) => toStored(ctx, i, i));
  }
  return sortStored(found.filter((f) => matches(f, filters, from, to)));
}

/** The findings of one run exactly as it reported them, in findings.jsonl order. */
export async function findingsOfRun(ctx: StoreContext, runId: string): Promise<Finding[]> {
  return sortStored(await runFindingsStored(ctx, runId)).map(canonicalFinding);
}

/** Open (not retired) findings of a venue, most severe first, optionally of one severity. */
export async function openFindings(ctx: StoreContext, venue: string, severity?: Severity): Promise<StoredFinding[]> {
  const found = await listFindings(ctx, { venue, status: 'open', ...(severity !== undefined ? { severity } : {}) });
  return found.sort((a, b) => cmp(SEVERITY_KEY[a.severity], SEVERITY_KEY[b.severity]));
}

async function runFindingsStored(ctx: StoreContext, runId: string): Promise<StoredFinding[]> {
  const occurrences: Item[] = [];
  for await (const i of query(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
    ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':f': 'F#' },
  }))
    occurrences.push(i);
  const states = await readStates(
    ctx,
    occurrences.map((o) => String(o.finding_id)),
    true,
  );
  return mapLimit(occurrences, ctx.concurrency, (o) => {
    const state = states.get(String(o.finding_id));
    return toStored(ctx, o, state?.current === undefined ? undefined : withReview(state.current, state.review));
  });
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
