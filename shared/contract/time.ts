/** RFC 3339 in UTC with the Z suffix, 0 to 9 fractional digits (DATA-CONTRACT "timestamp"). */
const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

const NS_PER_MS = 1_000_000n;

/**
 * Nanoseconds since the Unix epoch, or undefined when the text is not a contract timestamp (bad form, impossible
 * date, leap second, an offset other than Z). BigInt keeps nanosecond precision exact.
 */
export function parseTimestampNs(ts: string): bigint | undefined {
  const m = TIMESTAMP_PATTERN.exec(ts);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999, and RFC 3339 years run from 0000.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  const ms = d.getTime();
  const frac = (m[7] ?? '').padEnd(9, '0');
  return BigInt(ms) * NS_PER_MS + BigInt(frac);
}

/**
 * The same accept/reject decision as `parseTimestampNs(ts) !== undefined`, without the regex, the Date and the BigInt
 * (it runs once per record).
 */
export function isTimestamp(ts: string): boolean {
  const n = ts.length;
  if (n < 20 || n > 30 || n === 21 || ts.charCodeAt(n - 1) !== 0x5a /* Z */) return false;
  if (ts.charCodeAt(4) !== 0x2d || ts.charCodeAt(7) !== 0x2d || ts.charCodeAt(10) !== 0x54) return false;
  if (ts.charCodeAt(13) !== 0x3a || ts.charCodeAt(16) !== 0x3a) return false;
  const year = digits(ts, 0, 4);
  const month = digits(ts, 5, 2);
  const day = digits(ts, 8, 2);
  const hour = digits(ts, 11, 2);
  const minute = digits(ts, 14, 2);
  const second = digits(ts, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return false;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (day > 28 && day > daysInMonth(year, month)) return false;
  if (n > 20) {
    // ".d…dZ": 1 to 9 fractional digits.
    if (ts.charCodeAt(19) !== 0x2e) return false;
    if (digits(ts, 20, n - 21) < 0) return false;
  }
  return true;
}

/** The value of `len` ASCII digits at `from`, or -1 when one of them is not a digit. */
function digits(s: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** ISO 8601 duration of days/hours/minutes/seconds (e.g. PT1H, PT30M, P1DT2H, PT0.5S) in nanoseconds. */
export function parseDurationNs(iso: string): bigint | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,9}))?S)?)?$/.exec(iso);
  if (m === null || iso === 'P' || iso.endsWith('T')) return undefined;
  const days = BigInt(m[1] ?? '0');
  const hours = BigInt(m[2] ?? '0');
  const minutes = BigInt(m[3] ?? '0');
  const seconds = BigInt(m[4] ?? '0');
  const frac = BigInt((m[5] ?? '').padEnd(9, '0'));
  return ((days * 24n + hours) * 60n + minutes) * 60n * 1_000_000_000n + seconds * 1_000_000_000n + frac;
}

/** Nanoseconds in words, exact to the nanosecond: "3 h 12 min 5.000000001 s" (a negative length keeps its sign). */
export function durationText(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  const n = ns < 0n ? -ns : ns;
  const h = n / 3_600_000_000_000n;
  const min = (n / 60_000_000_000n) % 60n;
  const s = n % 60_000_000_000n;
  const frac = s % 1_000_000_000n;
  const sec = `${s / 1_000_000_000n}${frac === 0n ? '' : `.${String(frac).padStart(9, '0')}`}`;
  return `${sign}${h} h ${min} min ${sec} s`;
}
