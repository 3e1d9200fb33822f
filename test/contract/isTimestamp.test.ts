/**
 * isTimestamp is the per-record check of the contract's timestamp form; it must decide exactly like
 * parseTimestampNs (the reference: regex + calendar through Date), including its edge cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTimestamp, parseTimestampNs } from '#shared/contract/time.js';

const reference = (s: string) => parseTimestampNs(s) !== undefined;

describe('isTimestamp agrees with parseTimestampNs', () => {
  it('on every day of leap and common years, century years and years below 100', () => {
    for (const year of [
      '0000',
      '0050',
      '0099',
      '0100',
      '1600',
      '1900',
      '1970',
      '2000',
      '2024',
      '2026',
      '2100',
      '9999',
    ]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const ts = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
          expect(isTimestamp(ts), ts).toBe(reference(ts));
        }
      }
    }
  });

  it('on clock fields, fractions and suffixes at and past their limits', () => {
    const cases: string[] = [];
    for (const hh of ['00', '23', '24', '-1', '1a', '99'])
      for (const mm of ['00', '59', '60'])
        for (const ss of ['00', '59', '60', '5'])
          for (const frac of ['', '.', '.1', '.123456789', '.1234567890', '.12a', '.000000000'])
            for (const z of ['Z', 'z', '+00:00', '', 'ZZ']) cases.push(`2026-02-12T${hh}:${mm}:${ss}${frac}${z}`);
    cases.push('2026-02-12 01:00:00Z', '2026-02-12T01-00-00Z', '2026/02/12T01:00:00Z', '+2026-02-12T01:00:00Z');
    cases.push('2026-02-12T01:00:00Z ', ' 2026-02-12T01:00:00Z', '2026-02-12T01:00:00.Z', '');
    cases.push('٢٠٢٦-02-12T01:00:00Z', '2026-02-12T01:00:0０Z');
    for (const ts of cases) expect(isTimestamp(ts), ts).toBe(reference(ts));
  });

  it('on random near-timestamps (one character changed, dropped or inserted)', () => {
    const base = '2024-02-29T23:59:59.123456789Z';
    const alphabet = '0123456789-:.TZtz+ 9';
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length }),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(...alphabet),
        fc.integer({ min: 0, max: 9 }),
        (pos, op, ch, cut) => {
          // The base with 0 to 9 fractional digits, then one edit.
          let ts = `${base.slice(0, 19)}${cut > 0 ? base.slice(19, 20 + cut) : ''}Z`;
          if (op === 0) ts = ts.slice(0, pos) + ch + ts.slice(pos + 1);
          else if (op === 1) ts = ts.slice(0, pos) + ts.slice(pos + 1);
          else ts = ts.slice(0, pos) + ch + ts.slice(pos);
          return isTimestamp(ts) === reference(ts);
        },
      ),
      { numRuns: 20000, seed: 7 },
    );
  });
});
