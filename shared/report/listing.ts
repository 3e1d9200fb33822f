/**
 * Per-check listings of the review report, built in the model's single pass over the findings: the most severe
 * findings (bounded selection, so memory does not grow with the run), every finding with a recorded response, and a
 * breakdown of all of the check's findings by account, symbol and time bucket so that a capped listing still says
 * where the rest are.
 */
import { type Finding, type FindingDraft, SEVERITY_RANK, type Severity } from '../contract/finding.js';
import { compareFindings } from '../findings/collector.js';
import { type EvidenceBlock, evidenceView, printable } from './evidenceView.js';

export type SeverityCounts = Record<Severity, number>;

export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0 };
}

export interface RankedCount {
  key: string;
  count: number;
}

/** The latest review action on a finding. */
export interface LatestResponse {
  status: string;
  note: string | null;
  by: string | null;
  at: string | null;
}

/** A finding as listed: its own fields (dataset text made printable, detail capped), evidence as blocks, review state. */
export interface FindingRow
  extends Pick<
    Finding,
    'check_id' | 'severity' | 'subject' | 'symbol' | 'account_id' | 'seq' | 'ts' | 'title' | 'detail'
  > {
  finding_id: string | null;
  /** The evidence as blocks (shared/report/evidenceView.ts); null for a row listed without its evidence. */
  evidence: EvidenceBlock[] | null;
  /** Review status: the latest recorded one, else `open` (a finding is open until someone responds). */
  status: string;
  response: LatestResponse | null;
  /** Review actions recorded on the finding. */
  history_count: number;
}

export interface CheckBreakdown {
  /** Top accounts and symbols by findings, with how many findings the others hold. */
  accounts: RankedCount[];
  accounts_other: number;
  symbols: RankedCount[];
  symbols_other: number;
  /** Findings per time bucket of the report (model.charts.overTime.buckets); untimed and out-of-period apart. */
  by_time: number[];
  untimed: number;
  outside_period: number;
}

export interface ResponseInfo {
  status: string;
  response?: string | null;
  responded_by?: string | null;
  responded_at?: string | null;
  history_count?: number;
}

export interface ListingCaps {
  /** Findings listed per check at most (the rest are counted and pointed to findings.jsonl). */
  findingsPerCheck: number;
  /** Findings listed in the whole report at most, shared fairly among the checks. */
  findingsTotal: number;
  /** Of a check's listed findings, how many at most (the first, most severe) are shown with their evidence. */
  evidencePerCheck: number;
  /** Findings shown with their evidence in the whole report at most, shared fairly among the checks. */
  evidenceTotal: number;
  /** Characters of a finding's detail in a listing. */
  detailChars: number;
  /** Accounts and symbols named in a check's breakdown. */
  breakdownRows: number;
}

/** Most severe first, then check id and subject (byte order). */
export function compareForListing(a: FindingDraft, b: FindingDraft): number {
  const s = SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  return s !== 0 ? s : compareFindings(a, b);
}

export function findingIdOf(f: FindingDraft | Finding): string | undefined {
  return 'finding_id' in f && typeof f.finding_id === 'string' ? f.finding_id : undefined;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

export function topN(counts: ReadonlyMap<string, number>, n: number): RankedCount[] {
  return [...counts.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, n);
}

/** What one check's findings add up to over the pass. */
export class CheckAccumulator {
  readonly counts = emptyCounts();
  #kept: FindingDraft[] = [];
  readonly #responded: FindingDraft[] = [];
  readonly #accounts = new Map<string, number>();
  readonly #symbols = new Map<string, number>();
  readonly #byTime: number[];
  #untimed = 0;
  #outside = 0;

  constructor(
    private readonly keep: number,
    buckets: number,
  ) {
    this.#byTime = new Array<number>(buckets).fill(0);
  }

  /** `bucket`: the time bucket index, 'untimed' or 'outside'. */
  add(f: FindingDraft, responded: boolean, bucket: number | 'untimed' | 'outside'): void {
    this.counts[f.severity] += 1;
    if (responded) this.#responded.push(f);
    else if (this.keep > 0) {
      this.#kept.push(f);
      // Bounded selection: keep the `keep` first in listing order without holding every finding.
      if (this.#kept.length >= 2 * this.keep + 64) this.#kept = this.#kept.sort(compareForListing).slice(0, this.keep);
    }
    if (f.account_id) bump(this.#accounts, f.account_id);
    if (f.symbol) bump(this.#symbols, f.symbol);
    if (bucket === 'untimed') this.#untimed += 1;
    else if (bucket === 'outside') this.#outside += 1;
    else this.#byTime[bucket] = (this.#byTime[bucket] ?? 0) + 1;
  }

  /** How many findings the check would list if nothing else competed for room (responded ones come on top). */
  get wanted(): number {
    return Math.min(this.keep, this.#kept.length);
  }

  /** Findings with a recorded response: always listed. */
  get responded(): number {
    return this.#responded.length;
  }

  /** The listed findings, most severe first: the `limit` most severe plus every responded one. */
  listed(limit: number): FindingDraft[] {
    const top = this.#kept.sort(compareForListing).slice(0, Math.min(limit, this.keep));
    return [...top, ...this.#responded].sort(compareForListing);
  }

  breakdown(rows: number): CheckBreakdown {
    const total = this.counts.critical + this.counts.high + this.counts.medium + this.counts.low;
    const accounts = topN(this.#accounts, rows);
    const symbols = topN(this.#symbols, rows);
    const sum = (r: RankedCount[]) => r.reduce((s, x) => s + x.count, 0);
    return {
      accounts,
      accounts_other: [...this.#accounts.values()].reduce((s, n) => s + n, 0) - sum(accounts),
      symbols,
      symbols_other: [...this.#symbols.values()].reduce((s, n) => s + n, 0) - sum(symbols),
      by_time: [...this.#byTime],
      untimed: Math.min(this.#untimed, total),
      outside_period: this.#outside,
    };
  }
}

/**
 * A total shared among claimants as water fills vessels: each gets what it wants up to a common level, the level as
 * high as the total allows; what the level leaves over goes one each to the first claimants still short (in the
 * order given, so the result is deterministic).
 */
export function fairShares(wants: readonly number[], total: number): number[] {
  const order = wants.map((w, i) => ({ w: Math.max(0, w), i })).sort((a, b) => a.w - b.w || a.i - b.i);
  const out = wants.map(() => 0);
  let left = Math.max(0, Math.floor(total));
  for (let k = 0; k < order.length; k++) {
    const remaining = order.length - k;
    const { w, i } = order[k]!;
    if (w * remaining <= left) {
      out[i] = w;
      left -= w;
      continue;
    }
    // The rest all want more than an equal split of what is left: each gets the split, the remainder in order.
    const level = Math.floor(left / remaining);
    for (const o of order.slice(k)) out[o.i] = level;
    left -= level * remaining;
    for (let j = 0; j < out.length && left > 0; j++) {
      if (out[j]! < Math.max(0, wants[j]!)) {
        out[j] = out[j]! + 1;
        left -= 1;
      }
    }
    break;
  }
  return out;
}

/** One listed finding as the report shows it; every dataset-derived string printable (shared/report/evidenceView). */
export function findingRow(
  f: FindingDraft | Finding,
  withEvidence: boolean,
  response: ResponseInfo | undefined,
  caps: ListingCaps,
): FindingRow {
  return {
    finding_id: findingIdOf(f) ?? null,
    check_id: f.check_id,
    severity: f.severity,
    subject: printable(f.subject),
    symbol: f.symbol == null ? null : printable(f.symbol),
    account_id: f.account_id == null ? null : printable(f.account_id),
    seq: f.seq ?? null,
    ts: f.ts ?? null,
    title: printable(f.title),
    detail: printable(truncate(f.detail, caps.detailChars)),
    evidence: withEvidence ? evidenceView(f) : null,
    status: response?.status ?? 'open',
    response:
      response === undefined
        ? null
        : {
            status: response.status,
            note: response.response == null ? null : printable(response.response),
            by: response.responded_by == null ? null : printable(response.responded_by),
            at: response.responded_at ?? null,
          },
    history_count: response === undefined ? 0 : (response.history_count ?? 1),
  };
}
