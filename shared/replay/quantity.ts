/**
 * Exact quantities as scaled integers: a contract decimal q is held as the bigint q × 10^scale. Addition, subtraction
 * and comparison are then exact integer operations, much cheaper than a decimal library per event. The scale is the
 * largest number of significant fraction digits seen so far; a value with more digits makes the owner rescale (see
 * OrderBookReplay), so no input is ever rounded.
 */

const POW10: bigint[] = [1n];

export function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

/** Significant fraction digits of a contract decimal (trailing zeros do not count). */
export function fractionDigits(s: string): number {
  const dot = s.indexOf('.');
  if (dot === -1) return 0;
  let end = s.length;
  while (end > dot + 1 && s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end - dot - 1;
}

/** The decimal s × 10^scale; s must have at most `scale` significant fraction digits. */
export function toScaled(s: string, scale: number): bigint {
  const dot = s.indexOf('.');
  if (dot === -1) return BigInt(s) * pow10(scale);
  const frac = s.slice(dot + 1);
  const int = s.slice(0, dot);
  if (frac.length >= scale) return BigInt(int + frac.slice(0, scale));
  return BigInt(int + frac) * pow10(scale - frac.length);
}

/** Canonical decimal text of v / 10^scale (no trailing fraction zeros, no "-0"). */
export function fromScaled(v: bigint, scale: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale === 0) return neg && digits !== '0' ? `-${digits}` : digits;
  if (digits.length <= scale) digits = digits.padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  let frac = digits.slice(digits.length - scale);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  const body = frac.length > 0 ? `${int}.${frac}` : int;
  return neg && body !== '0' ? `-${body}` : body;
}
