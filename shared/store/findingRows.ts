/**
 * The compact rows of a run's findings, for a workbench table that filters, sorts, counts and pages server-side: one
 * projected query of the run's occurrences (no finding text or evidence, no per-finding reads), and the review
 * statuses of a venue and period from the status index, which holds only the findings someone answered.
 *
 * A run's occurrences never change once it completed (its run_id fixes its inputs, parameters and rules), so a
 * caller may keep the rows of a completed run and ask only for the statuses again.
 */
import type { Severity } from '../contract/finding.js';
import { type Item, query, type StoreContext } from './context.js';
import { keys, requireInstantKey } from './tableDesign.js';
import { FINDING_STATUSES, type FindingStatus, type Period } from './types.js';

/** A finding of a run as a table row: what the filters, sorting and CSV export need, nothing more. */
export interface FindingRow {
  finding_id: string;
  check_id: string;
  severity: Severity;
  subject: string;
  account_id: string | null;
  symbol: string | null;
  ts: string | null;
}

const ROW_FIELDS = ['finding_id', 'check_id', 'severity', 'subject', 'account_id', 'symbol', 'ts'] as const;

/** Every finding of the run as a row, in the order of the run's partition (by finding_id). */
export async function runFindingRows(ctx: StoreContext, runId: string): Promise<FindingRow[]> {
  const names = Object.fromEntries(ROW_FIELDS.map((f, i) => [`#r${i}`, f]));
  const rows: FindingRow[] = [];
  for await (const i of query(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
    ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':f': 'F#' },
    ProjectionExpression: Object.keys(names).join(', '),
    ExpressionAttributeNames: names,
  })) {
    rows.push(toRow(i));
  }
  return rows;
}

/**
 * The status of every finding of a venue and period that is not open, by finding_id (a finding absent from the map
 * is open). Served by the status index, one query per closed-or-acknowledged status, so it reads only the findings
 * someone has answered, never the open bulk. The index holds the copy on the finding item, which a response updates
 * right after its review item: a responder stopped between the two writes shows there as before until the next
 * write repairs the copy (the finding itself, read by id, shows the review item).
 */
export async function answeredStatuses(
  ctx: StoreContext,
  venue: string,
  period: Period,
): Promise<Map<string, FindingStatus>> {
  const vp = keys.byVenuePeriod(
    venue,
    requireInstantKey(period.period_start, 'period_start'),
    requireInstantKey(period.period_end, 'period_end'),
  );
  const out = new Map<string, FindingStatus>();
  for (const status of FINDING_STATUSES) {
    if (status === 'open') continue;
    for await (const i of query(ctx, {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      FilterExpression: 'gsi4pk = :vp',
      ExpressionAttributeValues: { ':pk': keys.byVenueStatus(venue, status), ':vp': vp },
      ProjectionExpression: 'finding_id, #status',
      ExpressionAttributeNames: { '#status': 'status' },
    })) {
      out.set(String(i.finding_id), i.status as FindingStatus);
    }
  }
  return out;
}

function toRow(i: Item): FindingRow {
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    finding_id: String(i.finding_id),
    check_id: String(i.check_id),
    severity: i.severity as Severity,
    subject: String(i.subject),
    account_id: text(i.account_id),
    symbol: text(i.symbol),
    ts: text(i.ts),
  };
}
