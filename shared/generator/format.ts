/**
 * Text forms of the contract's value types for generated records: decimals from scaled integers (so that the
 * simulation does exact integer arithmetic and never rounds), and nanosecond timestamps inside the period.
 */

const ZEROS = '000000000000000000';

/**
 * `units` × 10^-decimals as a contract decimal with trailing zeros removed, then `extraZeros` zeros appended (the
 * same value written differently, as real venues do: "97000.1", "97000.10", "97000.100").
 */
export function scaledDecimal(units: number | bigint, decimals: number, extraZeros = 0): string {
  const neg = units < 0;
  let s = String(neg ? -units : units);
  let body: string;
  if (decimals === 0) {
    body = s;
  } else {
    if (s.length <= decimals) s = ZEROS.slice(0, decimals - s.length + 1) + s;
    const cut = s.length - decimals;
    let frac = s.slice(cut);
    let e = frac.length;
    while (e > 0 && frac.charCodeAt(e - 1) === 48) e--;
    frac = frac.slice(0, e);
    body = frac.length > 0 ? `${s.slice(0, cut)}.${frac}` : s.slice(0, cut);
  }
  if (extraZeros > 0) body += (body.includes('.') ? '' : '.') + ZEROS.slice(0, extraZeros);
  return neg ? `-${body}` : body;
}

/** Formats nanosecond offsets from the start of one UTC day (the period start) as contract timestamps. */
export class TimestampFormatter {
  private readonly startMs: number;
  private lastSecond = -1;
  private lastPrefix = '';

  constructor(periodStartIso: string) {
    this.startMs = Date.parse(periodStartIso);
  }

  /** `offsetNs` ≥ 0: nanoseconds after the period start. Whole seconds print without a fraction. */
  format(offsetNs: number): string {
    const second = Math.floor(offsetNs / 1e9);
    const frac = offsetNs - second * 1e9;
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastPrefix = new Date(this.startMs + second * 1000).toISOString().slice(0, 19);
    }
    if (frac === 0) return `${this.lastPrefix}Z`;
    const f = String(frac);
    const digits = ZEROS.slice(0, 9 - f.length) + f;
    // Some gateways stamp microseconds: print 6 digits when the last three are zero (same value).
    return digits.endsWith('000') ? `${this.lastPrefix}.${digits.slice(0, 6)}Z` : `${this.lastPrefix}.${digits}Z`;
  }
}
