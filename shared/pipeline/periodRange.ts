/**
 * The range of period starts a period report covers, from what a person typed: a bare date is a whole UTC day (`from`
 * starts at its midnight, `to` includes that day); a full RFC 3339 timestamp is taken as is (`to` exclusive). The
 * command line names the bounds `--from`/`--to`, the workbench's form `From`/`To`.
 */
import { parseTimestampNs } from '../contract/time.js';
import { UsageError } from './errors.js';

export interface RangeNames {
  from: string;
  to: string;
}

const OPTIONS: RangeNames = { from: '--from', to: '--to' };

/** One bound as an RFC 3339 UTC instant; refused (exit 2) when it is neither a date nor a timestamp. */
export function rangeBound(value: string, end: boolean, names: RangeNames = OPTIONS): string {
  const name = end ? names.to : names.from;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ts = `${value}T00:00:00Z`;
    const ns = parseTimestampNs(ts);
    if (ns === undefined) throw new UsageError(`${name} ${value} is not a date`);
    if (!end) return ts;
    return new Date(Number(ns / 1_000_000n) + 86_400_000).toISOString().replace('.000Z', 'Z');
  }
  if (parseTimestampNs(value) === undefined) {
    throw new UsageError(`${name} ${value} is not a date (YYYY-MM-DD) or an RFC 3339 UTC timestamp`);
  }
  return value;
}

/**
 * The range `[from, to)` of period starts selected, refused (exit 2) when either bound is unreadable or the range is
 * empty or reversed.
 */
export function reportRange(fromArg: string, toArg: string, names: RangeNames = OPTIONS): { from: string; to: string } {
  const from = rangeBound(fromArg, false, names);
  const to = rangeBound(toArg, true, names);
  const a = parseTimestampNs(from)!;
  const b = parseTimestampNs(to)!;
  if (a > b || (a === b && fromArg !== toArg)) {
    throw new UsageError(`${names.from} ${fromArg} is after ${names.to} ${toArg}: the range is reversed`);
  }
  if (a === b) {
    throw new UsageError(
      `${names.from} and ${names.to} are both ${fromArg}: the range is empty (${names.to} is exclusive)`,
    );
  }
  return { from, to };
}
