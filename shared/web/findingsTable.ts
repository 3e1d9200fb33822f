/**
 * The findings table of a run, served from compact rows (store.runFindingRows) with their current status: filters
 * (check, severity, status, account, symbol, free text on subject), sorting, paging, counts and the CSV of the
 * filtered set. Pure: the same rows and query give the same page.
 */
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../contract/finding.js';
import type { FindingRow } from '../store/findingRows.js';
import { FINDING_STATUSES, type FindingStatus } from '../store/types.js';
import { BadRequestError } from './errors.js';

export type StatusedRow = FindingRow & { status: FindingStatus };

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

export function withStatuses(rows: readonly FindingRow[], answered: ReadonlyMap<string, FindingStatus>): StatusedRow[] {
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

const byText = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0;

const COMPARE: Record<SortKey, (a: StatusedRow, b: StatusedRow) => number> = {
  check: (a, b) => byText(a.check_id, b.check_id),
  severity: (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  subject: (a, b) => byText(a.subject, b.subject),
  account: (a, b) => byText(a.account_id, b.account_id),
  symbol: (a, b) => byText(a.symbol, b.symbol),
  ts: (a, b) => byText(a.ts, b.ts),
  status: (a, b) => FINDING_STATUSES.indexOf(a.status) - FINDING_STATUSES.indexOf(b.status),
};

/** Sorted by the key, then check and subject (findings.jsonl order), then finding_id: a total, stable order. */
export function sortRows(rows: StatusedRow[], sort: SortKey, dir: 'asc' | 'desc'): StatusedRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const primary = COMPARE[sort];
  return rows.sort(
    (a, b) =>
      sign * primary(a, b) || COMPARE.check(a, b) || COMPARE.subject(a, b) || byText(a.finding_id, b.finding_id),
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

/** Distinct values of a column, sorted (for the filter choices). */
export function distinct(rows: readonly StatusedRow[], pick: (r: StatusedRow) => string | null): string[] {
  const set = new Set<string>();
  for (const r of rows) {
    const v = pick(r);
    if (v !== null) set.add(v);
  }
  return [...set].sort();
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
