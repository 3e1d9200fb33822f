/**
 * The findings table of a run, served from compact rows (store.runFindingRows) with their current status: filters
 * (check, severity, status, account, symbol, free text on subject), sorting, paging, counts and the CSV of the
 * filtered set. Pure: the same rows and query give the same page.
 */
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../contract/finding.js';
import { parseTimestampNs } from '../contract/time.js';
import type { FindingRow } from '../store/findingRows.js';
import { FINDING_STATUSES, type FindingStatus, type Period } from '../store/types.js';
import { BadRequestError } from './errors.js';

/**
 * What a row sorts by, computed once when a run's rows are read (a sort compares them ~n log n times): text by its
 * natural key, the timestamp as the instant it names.
 */
export interface RowOrder {
  check: string;
  subject: string;
  account: string | null;
  symbol: string | null;
  ts: bigint | null;
}

export type SortableRow = FindingRow & { order: RowOrder };
export type StatusedRow = SortableRow & { status: FindingStatus };

export const SORT_KEYS = ['check', 'severity', 'subject', 'account', 'symbol', 'ts', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

export interface TableQuery {
  check?: string;
  severity?: Severity;
  status?: FindingStatus;
  account?: string;
  symbol?: string;
  /** Case-insensitive substring of the subject. */
  q?: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
  size: number;
}

export interface TablePage {
  rows: StatusedRow[];
  /** Findings of the run. */
  total: number;
  /** Findings matching the filters. */
  matched: number;
  page: number;
  pages: number;
  /** Matching findings by severity and by status (the counts beside the filters). */
  bySeverity: Record<Severity, number>;
  byStatus: Record<FindingStatus, number>;
}

/** Reads the table query from URL parameters; a value that is not one of the allowed ones is a 400 naming it. */
export function parseTableQuery(params: Record<string, string | undefined>): TableQuery {
  const text = (name: string): string | undefined => {
    const v = params[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const v = text(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      throw new BadRequestError(`${name} must be one of ${allowed.join(', ')}`);
    }
    return v as T;
  };
  const int = (name: string, fallback: number): number => {
    const v = text(name);
    if (v === undefined) return fallback;
    if (!/^\d{1,7}$/.test(v) || Number(v) < 1) throw new BadRequestError(`${name} must be a whole number from 1`);
    return Number(v);
  };
  const size = int('size', DEFAULT_PAGE_SIZE);
  if (!(PAGE_SIZES as readonly number[]).includes(size)) {
    throw new BadRequestError(`size must be one of ${PAGE_SIZES.join(', ')}`);
  }
  const q: TableQuery = {
    sort: oneOf('sort', SORT_KEYS) ?? 'check',
    dir: oneOf('dir', ['asc', 'desc'] as const) ?? 'asc',
    page: int('page', 1),
    size,
  };
  const check = text('check');
  const severity = oneOf('severity', SEVERITIES);
  const status = oneOf('status', FINDING_STATUSES);
  const account = text('account');
  const symbol = text('symbol');
  const search = text('q');
  if (check !== undefined) q.check = check;
  if (severity !== undefined) q.severity = severity;
  if (status !== undefined) q.status = status;
  if (account !== undefined) q.account = account;
  if (symbol !== undefined) q.symbol = symbol;
  if (search !== undefined) q.q = search;
  return q;
}

/** The URL parameters of a query (defaults left out), for links that change one thing. */
export function tableQueryParams(q: TableQuery, change: Partial<TableQuery> = {}): URLSearchParams {
  const m = { ...q, ...change };
  const p = new URLSearchParams();
  if (m.check !== undefined) p.set('check', m.check);
  if (m.severity !== undefined) p.set('severity', m.severity);
  if (m.status !== undefined) p.set('status', m.status);
  if (m.account !== undefined) p.set('account', m.account);
  if (m.symbol !== undefined) p.set('symbol', m.symbol);
  if (m.q !== undefined) p.set('q', m.q);
  if (m.sort !== 'check') p.set('sort', m.sort);
  if (m.dir !== 'asc') p.set('dir', m.dir);
  if (m.page !== 1) p.set('page', String(m.page));
  if (m.size !== DEFAULT_PAGE_SIZE) p.set('size', String(m.size));
  return p;
}

/**
 * The rows with their sort keys. A timestamp that does not parse (never from a validated record) sorts as missing. A
 * dataset may write fractions of any length, so timestamps are not compared as text (as text, .89Z would sort after
 * .890180733Z, which is later).
 */
export function sortableRows(rows: readonly FindingRow[]): SortableRow[] {
  return rows.map((r) => ({
    ...r,
    order: {
      check: naturalKey(r.check_id),
      subject: naturalKey(r.subject),
      account: r.account_id === null ? null : naturalKey(r.account_id),
      symbol: r.symbol === null ? null : naturalKey(r.symbol),
      ts: r.ts === null ? null : (parseTimestampNs(r.ts) ?? null),
    },
  }));
}

export function withStatuses(
  rows: readonly SortableRow[],
  answered: ReadonlyMap<string, FindingStatus>,
): StatusedRow[] {
  return rows.map((r) => ({ ...r, status: answered.get(r.finding_id) ?? 'open' }));
}

export function filterRows(rows: readonly StatusedRow[], q: TableQuery): StatusedRow[] {
  const needle = q.q?.toLowerCase();
  return rows.filter(
    (r) =>
      (q.check === undefined || r.check_id === q.check) &&
      (q.severity === undefined || r.severity === q.severity) &&
      (q.status === undefined || r.status === q.status) &&
      (q.account === undefined || r.account_id === q.account) &&
      (q.symbol === undefined || r.symbol === q.symbol) &&
      (needle === undefined || r.subject.toLowerCase().includes(needle)),
  );
}

/**
 * A key whose code-unit order is the order a person reads ids in: each run of digits is written with its length first
 * (leading zeros dropped), so t-753 sorts before t-1084 and C-2 before C-10. Platform collation tables play no part.
 */
export function naturalKey(text: string): string {
  return text.replace(/\d+/g, (digits) => {
    const n = digits.replace(/^0+(?=\d)/, '');
    return `${String(n.length).padStart(3, '0')}${n}`;
  });
}

/** Natural order of two ids, ties (ids that differ only in leading zeros) broken by code unit: a total order. */
export function naturalCompare(a: string, b: string): number {
  return byCodeUnit(naturalKey(a), naturalKey(b)) || byCodeUnit(a, b);
}

function byCodeUnit(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

type SortValue = string | number | bigint | null;

/** A row's value for a column: severity by rank (critical first), status in its workflow order. */
const SORT_VALUE: Record<SortKey, (r: StatusedRow) => SortValue> = {
  check: (r) => r.order.check,
  severity: (r) => -SEVERITY_RANK[r.severity],
  subject: (r) => r.order.subject,
  account: (r) => r.order.account,
  symbol: (r) => r.order.symbol,
  ts: (r) => r.order.ts,
  status: (r) => FINDING_STATUSES.indexOf(r.status),
};

/** Missing values last (first when descending, as the sign turns the whole comparison). */
function byValue(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null || b === null) return a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted by the key, then check and subject (findings.jsonl order), then finding_id: a total, stable order. */
export function sortRows(rows: StatusedRow[], sort: SortKey, dir: 'asc' | 'desc'): StatusedRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const value = SORT_VALUE[sort];
  return rows.sort(
    (a, b) =>
      sign * byValue(value(a), value(b)) ||
      byCodeUnit(a.order.check, b.order.check) ||
      byCodeUnit(a.order.subject, b.order.subject) ||
      byCodeUnit(a.subject, b.subject) ||
      byCodeUnit(a.finding_id, b.finding_id),
  );
}

export function tablePage(rows: readonly StatusedRow[], q: TableQuery): TablePage {
  const matched = sortRows(filterRows(rows, q), q.sort, q.dir);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byStatus = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  for (const r of matched) {
    bySeverity[r.severity]++;
    byStatus[r.status]++;
  }
  const pages = Math.max(1, Math.ceil(matched.length / q.size));
  const page = Math.min(q.page, pages);
  return {
    rows: matched.slice((page - 1) * q.size, page * q.size),
    total: rows.length,
    matched: matched.length,
    page,
    pages,
    bySeverity,
    byStatus,
  };
}

/** Distinct values of a column, in natural order (for the filter choices). */
export function distinct(rows: readonly StatusedRow[], pick: (r: StatusedRow) => string | null): string[] {
  const set = new Set<string>();
  for (const r of rows) {
    const v = pick(r);
    if (v !== null) set.add(v);
  }
  return [...set].sort(naturalCompare);
}

const HOUR_NS = 3_600_000_000_000n;
/** Longer periods are charted by day: a bar per hour would be too many to read. */
const MAX_HOURLY_BUCKETS = 48;

/**
 * Findings over the run's period for the run page's chart: one bar per UTC hour of the period (per UTC day when it is
 * longer than two days), hours without findings included as zero bars so the chart reads as a time line. Findings
 * whose time falls outside the period (a record may carry any time) are counted in a bar before or after it, never
 * dropped; findings without a time are left out (the chart says which it counts).
 */
export interface FindingsOverTime {
  unit: 'hour' | 'day';
  bars: { label: string; count: number }[];
}

export function findingsOverTime(rows: readonly SortableRow[], period: Period): FindingsOverTime {
  const start = parseTimestampNs(period.period_start);
  const end = parseTimestampNs(period.period_end);
  if (start === undefined || end === undefined || end <= start) return { unit: 'hour', bars: [] };
  const hourly = (end - start + HOUR_NS - 1n) / HOUR_NS <= BigInt(MAX_HOURLY_BUCKETS);
  const step = hourly ? HOUR_NS : 24n * HOUR_NS;
  const first = start - (start % step);
  const buckets = Number((end - first + step - 1n) / step);
  const counts = new Array<number>(buckets).fill(0);
  let before = 0;
  let after = 0;
  for (const r of rows) {
    const ts = r.order.ts;
    if (ts === null) continue;
    if (ts < start) before++;
    else if (ts >= end) after++;
    else counts[Number((ts - first) / step)]!++;
  }
  const iso = (i: number) => new Date(Number((first + BigInt(i) * step) / 1_000_000n)).toISOString();
  const oneDay = iso(0).slice(0, 10) === iso(buckets - 1).slice(0, 10);
  const label = (i: number) => {
    const at = iso(i);
    if (!hourly) return at.slice(0, 10);
    return oneDay ? `${at.slice(11, 13)}:00` : `${at.slice(5, 10)} ${at.slice(11, 13)}:00`;
  };
  return {
    unit: hourly ? 'hour' : 'day',
    bars: [
      ...(before > 0 ? [{ label: 'before', count: before }] : []),
      ...counts.map((count, i) => ({ label: label(i), count })),
      ...(after > 0 ? [{ label: 'after', count: after }] : []),
    ],
  };
}

export const CSV_COLUMNS = ['finding_id', 'check_id', 'severity', 'status', 'subject', 'account_id', 'symbol', 'ts'];

/**
 * One CSV field (RFC 4180 quoting). A value that a spreadsheet would run as a formula (starting with = + - @, tab or
 * carriage return) is prefixed with an apostrophe: the ids come from the dataset.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function* csvLines(rows: Iterable<StatusedRow>): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for (const r of rows) {
    yield `${[r.finding_id, r.check_id, r.severity, r.status, r.subject, r.account_id, r.symbol, r.ts].map(csvField).join(',')}\r\n`;
  }
}
