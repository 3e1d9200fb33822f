import { describe, expect, it } from 'vitest';
import { canonicalDecimal, compareDecimal, Exact, isDecimal } from '#shared/contract/decimal.js';

describe('contract decimals', () => {
  it('accepts only the contract form', () => {
    for (const ok of ['0', '1', '-1', '97000.10', '0.00000001', '0012.50']) expect(isDecimal(ok)).toBe(true);
    for (const bad of ['', '.5', '5.', '+1', '1e5', '1,000', ' 1', '1 ', '0x10', '-', 'NaN'])
      expect(isDecimal(bad)).toBe(false);
  });

  it('gives equal values the same canonical text', () => {
    expect(canonicalDecimal('97000.10')).toBe('97000.1');
    expect(canonicalDecimal('97000.1')).toBe('97000.1');
    expect(canonicalDecimal('0012.500')).toBe('12.5');
    expect(canonicalDecimal('-0.000')).toBe('0');
    expect(canonicalDecimal('0.0')).toBe('0');
    expect(canonicalDecimal('100')).toBe('100');
    expect(canonicalDecimal('-00.10')).toBe('-0.1');
  });

  it('compares by value, never as text', () => {
    expect(compareDecimal('97000.10', '97000.1')).toBe(0);
    expect(compareDecimal('9', '10')).toBeLessThan(0);
    expect(compareDecimal('10.01', '10.1')).toBeLessThan(0);
    expect(compareDecimal('-2', '-10')).toBeGreaterThan(0);
    expect(compareDecimal('-0.5', '0.1')).toBeLessThan(0);
    expect(compareDecimal('0.6000', '0.60')).toBe(0);
    expect(compareDecimal('0.59999999999999999999', '0.6')).toBeLessThan(0);
  });

  it('agrees with exact arithmetic on many pairs', () => {
    const values = ['0', '0.1', '0.10', '1', '1.000001', '-1', '-0.5', '12345678901234567890.123', '99.99', '100'];
    for (const a of values)
      for (const b of values) expect(Math.sign(compareDecimal(a, b))).toBe(new Exact(a).comparedTo(new Exact(b)));
  });

  it('keeps arithmetic exact where floating point would not', () => {
    expect(new Exact('0.1').plus('0.2').toString()).toBe('0.3');
    expect(new Exact('1.00000001').minus('0.00000001').toString()).toBe('1');
    expect(new Exact('123456789012345678901234567890.1').times('3').toString()).toBe(
      '370370367037037036703703703670.3',
    );
  });
});
