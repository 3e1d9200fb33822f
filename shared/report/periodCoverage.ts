/**
 * What a period report covers of the range asked for: the UTC days of the range with no accepted run (with the runs
 * that exist for them but are not accepted), and the accepted runs that a newer completed draft of the same period
 * follows. Pure and deterministic.
 */
import { parseTimestampNs } from '../contract/time.js';
import { ReportError } from './errors.js';

const DAY_NS = 86_400_000_000_000n;

/** A run of the range that is not an accepted one: a draft (any status) or a superseded run. */
export interface OtherRunInput {
  run_id: string;
  period_start: string;
  period_end: string;
  status: string;
  started_at: string;
  accepted: boolean;
}

export interface AcceptedRunSpan {
  run_id: string;
  period_start: string;
  period_end: string;
  started_at: string;
}

/** Consecutive UTC days of the range without an accepted run that share the same unaccepted runs (often none). */
export interface UncoveredDays {
  first_day: string;
  last_day: string;
  days: number;
  /** Runs whose period overlaps these days but which are not accepted, with their status. */
  runs: { run_id: string; status: string }[];
}

export interface RangeCoverage {
  /** The range as days, when both ends are UTC midnights: "2026-02-01 to 2026-02-28 (28 days)". */
  range_days: string | null;
  uncovered: UncoveredDays[];
  uncovered_days: number;
  /** Per accepted run, the completed drafts of its period started after it. */
  newer_drafts: Map<string, string[]>;
}

function ns(ts: string, what: string): bigint {
  const v = parseTimestampNs(ts);
  if (v === undefined) throw new ReportError(`${what} is not an RFC 3339 UTC timestamp: ${ts}`);
  return v;
}

function dayText(dayStart: bigint): string {
  return new Date(Number(dayStart / 1_000_000n)).toISOString().slice(0, 10);
}

export function rangeCoverage(
  range: { from: string; to: string },
  accepted: readonly AcceptedRunSpan[],
  others: readonly OtherRunInput[],
): RangeCoverage {
  const from = ns(range.from, 'the range start');
  const to = ns(range.to, 'the range end');
  if (to <= from) throw new ReportError(`the range ${range.from} to ${range.to} is empty`);
  const spans = <T extends { period_start: string; period_end: string }>(rs: readonly T[]) =>
    rs.map((r) => ({ r, s: ns(r.period_start, 'period_start'), e: ns(r.period_end, 'period_end') }));
  const acceptedSpans = spans(accepted);
  const otherSpans = spans(others).filter((o) => !o.r.accepted);

  const uncovered: UncoveredDays[] = [];
  let uncoveredDays = 0;
  for (let day = from - (from % DAY_NS); day < to; day += DAY_NS) {
    const s = day < from ? from : day;
    const e = day + DAY_NS > to ? to : day + DAY_NS;
    if (acceptedSpans.some((a) => a.s < e && s < a.e)) continue;
    uncoveredDays += 1;
    const runs = otherSpans
      .filter((o) => o.s < e && s < o.e)
      .map((o) => ({ run_id: o.r.run_id, status: o.r.status }))
      .sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0));
    const last = uncovered.at(-1);
    const contiguous = last !== undefined && last.last_day === dayText(day - DAY_NS);
    if (contiguous && runs.length === 0 && last.runs.length === 0) {
      last.last_day = dayText(day);
      last.days += 1;
    } else {
      uncovered.push({ first_day: dayText(day), last_day: dayText(day), days: 1, runs });
    }
  }

  const newer = new Map<string, string[]>();
  for (const a of acceptedSpans) {
    const started = ns(a.r.started_at, 'started_at');
    const drafts = others
      .filter(
        (o) =>
          !o.accepted &&
          o.status === 'completed' &&
          ns(o.period_start, 'period_start') === a.s &&
          ns(o.period_end, 'period_end') === a.e &&
          ns(o.started_at, 'started_at') > started,
      )
      .map((o) => o.run_id)
      .sort();
    if (drafts.length > 0) newer.set(a.r.run_id, drafts);
  }

  const midnight = (v: bigint) => v % DAY_NS === 0n;
  const rangeDays =
    midnight(from) && midnight(to)
      ? `${dayText(from)} to ${dayText(to - DAY_NS)} (${(to - from) / DAY_NS} day${to - from === DAY_NS ? '' : 's'})`
      : null;
  return { range_days: rangeDays, uncovered, uncovered_days: uncoveredDays, newer_drafts: newer };
}
