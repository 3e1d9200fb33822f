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
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  const frac = (m[7] ?? '').padEnd(9, '0');
  return BigInt(ms) * NS_PER_MS + BigInt(frac);
}

export function isTimestamp(ts: string): boolean {
  return parseTimestampNs(ts) !== undefined;
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
