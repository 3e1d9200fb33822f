import { Decimal } from 'decimal.js';

/** The contract's decimal form: a string, never a JSON number. */
export const DECIMAL_PATTERN = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * Exact decimal arithmetic for money and quantities. Precision is set far above any realistic digit count so that
 * additions, subtractions and multiplications of contract decimals never round.
 */
export const Exact = Decimal.clone({
  precision: 1000,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Exact = Decimal;

export function isDecimal(s: string): boolean {
  return DECIMAL_PATTERN.test(s);
}

/**
 * Canonical text of a contract decimal: no leading zeros in the integer part, no trailing zeros in the fraction,
 * no "-0". Two decimals are equal by value exactly when their canonical texts are equal, so canonical text can key
 * maps (price levels) without arithmetic.
 */
export function canonicalDecimal(s: string): string {
  let neg = false;
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    neg = true;
    i = 1;
  }
  const dot = s.indexOf('.', i);
  let intPart = dot === -1 ? s.slice(i) : s.slice(i, dot);
  let frac = dot === -1 ? '' : s.slice(dot + 1);
  let k = 0;
  while (k < intPart.length - 1 && intPart.charCodeAt(k) === 48) k++;
  intPart = intPart.slice(k);
  let e = frac.length;
  while (e > 0 && frac.charCodeAt(e - 1) === 48) e--;
  frac = frac.slice(0, e);
  const body = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  if (body === '0') return '0';
  return neg ? `-${body}` : body;
}

/** Compares two contract decimals by value: negative, zero or positive like a sort comparator. */
export function compareDecimal(a: string, b: string): number {
  const ca = canonicalDecimal(a);
  const cb = canonicalDecimal(b);
  if (ca === cb) return 0;
  const na = ca.charCodeAt(0) === 45;
  const nb = cb.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  const mag = compareMagnitude(na ? ca.slice(1) : ca, nb ? cb.slice(1) : cb);
  return na ? -mag : mag;
}

function compareMagnitude(a: string, b: string): number {
  const da = a.indexOf('.');
  const db = b.indexOf('.');
  const ia = da === -1 ? a : a.slice(0, da);
  const ib = db === -1 ? b : b.slice(0, db);
  if (ia.length !== ib.length) return ia.length < ib.length ? -1 : 1;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const fa = da === -1 ? '' : a.slice(da + 1);
  const fb = db === -1 ? '' : b.slice(db + 1);
  if (fa === fb) return 0;
  return fa < fb ? -1 : 1; // canonical fractions have no trailing zeros, so text order is value order
}

export function decimalIsPositive(s: string): boolean {
  const c = canonicalDecimal(s);
  return c !== '0' && c.charCodeAt(0) !== 45;
}

export function decimalIsNonNegative(s: string): boolean {
  return canonicalDecimal(s).charCodeAt(0) !== 45;
}
