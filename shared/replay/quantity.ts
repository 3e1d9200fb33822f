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

// ---- fast quantities ---------------------------------------------------------------------------------------------
// The replay holds quantities as `Qty`: the same scaled integer, as a plain number while it is a safe integer
// (|v| ≤ 2^53 − 1, where double arithmetic on integers is exact) and as a bigint only beyond that. The form is
// canonical (a value that fits is always a number), so `===` compares values and mixed `<`/`>` compare exactly.
// Every operation checks its result and falls back to bigint arithmetic when it would leave the safe range: a
// result of double arithmetic on safe integers whose exact value is not safe comes out beyond ±(2^53 − 1) too (IEEE
// rounding is monotone), so the check never lets an inexact value through. No allocation on the number path.

export type Qty = number | bigint;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MIN_SAFE = -MAX_SAFE;
const BIG_MAX_SAFE = BigInt(MAX_SAFE);
const BIG_MIN_SAFE = -BIG_MAX_SAFE;

/** Powers of ten exact as doubles (10^22 is the largest). */
const POW10_NUM: number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** The canonical Qty of a bigint: a number when it is a safe integer. */
export function normQty(v: bigint): Qty {
  return v <= BIG_MAX_SAFE && v >= BIG_MIN_SAFE ? Number(v) : v;
}

export function qtyToBig(v: Qty): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

export function qAdd(a: Qty, b: Qty): Qty {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (r <= MAX_SAFE && r >= MIN_SAFE) return r;
  }
  return normQty(qtyToBig(a) + qtyToBig(b));
}

export function qSub(a: Qty, b: Qty): Qty {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (r <= MAX_SAFE && r >= MIN_SAFE) return r;
  }
  return normQty(qtyToBig(a) - qtyToBig(b));
}

/** v × 10^k (k ≥ 0), for rescaling. */
export function qMulPow10(v: Qty, k: number): Qty {
  if (typeof v === 'number' && k < POW10_NUM.length) {
    const r = v * POW10_NUM[k]!;
    if (r <= MAX_SAFE && r >= MIN_SAFE) return r;
  }
  return normQty(qtyToBig(v) * pow10(k));
}

/**
 * The contract decimal s × 10^scale as a Qty (s must have at most `scale` significant fraction digits), without
 * allocating when it fits: at most 15 significant digits are accumulated as a double (below 10^15, so exact), then
 * scaled by an exact power of ten with the range check above. Anything else goes through `toScaled`.
 */
export function parseScaled(s: string, scale: number): Qty {
  const n = s.length;
  let i = 0;
  let neg = false;
  if (n > 0 && s.charCodeAt(0) === 45 /* - */) {
    neg = true;
    i = 1;
  }
  let v = 0;
  let digits = 0;
  let frac = -1; // fraction digits read so far, -1 before the dot
  let sawDigit = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (frac !== -1) return normQty(toScaled(s, scale));
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return normQty(toScaled(s, scale));
    sawDigit = true;
    if (frac !== -1) {
      frac++;
      if (frac > scale) {
        if (d !== 0) return normQty(toScaled(s, scale));
        continue; // a trailing zero beyond the scale (non-zero digits there are the caller's error)
      }
    }
    if (v === 0 && d === 0) {
      continue; // leading zeros are not significant
    }
    if (++digits > 15) return normQty(toScaled(s, scale));
    v = v * 10 + d;
  }
  if (!sawDigit) return normQty(toScaled(s, scale));
  const fd = frac === -1 ? 0 : Math.min(frac, scale);
  const k = scale - fd;
  if (v !== 0 && k > 0) {
    if (k >= POW10_NUM.length) return normQty(toScaled(s, scale));
    v *= POW10_NUM[k]!;
    if (v > MAX_SAFE) return normQty(toScaled(s, scale));
  }
  const r = neg && v !== 0 ? -v : v;
  // The scaling above is double arithmetic, whose results V8 keeps as heap numbers; a value that fits 32 bits is
  // returned as a small integer instead, so that an order's quantity fields hold it inline (no box per field).
  return (r | 0) === r ? r | 0 : r;
}

/** Canonical decimal text of v / 10^scale. */
export function formatScaled(v: Qty, scale: number): string {
  return fromScaled(qtyToBig(v), scale);
}
