/** Line breaking that never cuts a token, fixed-width wrapping, content-sized columns and fair shares of room. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fairShares } from '#shared/report/listing.js';
import { autoWidths, elideMiddle, fitOneLine, wrapFixed, wrapTokens } from '../../templates/textFit.js';

/** A monospace measure: 5 points a character. */
const mono = (s: string) => [...s].length * 5;

describe('wrapTokens', () => {
  it('breaks at spaces only: every token whole on one line, lines within the width unless one token is wider', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9:./_-]{1,30}$/), { maxLength: 40 }),
        fc.integer({ min: 20, max: 200 }),
        (words, width) => {
          const w = wrapTokens(words.join(' '), width, mono);
          expect(
            w.lines
              .join(' ')
              .split(' ')
              .filter((x) => x !== ''),
          ).toEqual(words);
          for (const line of w.lines) {
            if (line.includes(' ')) expect(mono(line)).toBeLessThanOrEqual(width);
          }
          expect(w.widestToken).toBe(Math.max(0, ...words.map(mono)));
        },
      ),
    );
  });

  it('keeps the line feeds it is given', () => {
    expect(wrapTokens('a b\nc', 100, mono).lines).toEqual(['a b', 'c']);
  });
});

describe('wrapFixed', () => {
  it('cuts at a fixed number of characters with a continuation mark, losing nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 4, max: 80 }), (text, per) => {
        const t = text.replace(/\n/g, ' ');
        const lines = wrapFixed(t, per, '↩');
        expect(lines.map((l, i) => (i < lines.length - 1 ? l.slice(0, -1) : l)).join('')).toBe(t);
        for (const l of lines) expect([...l].length).toBeLessThanOrEqual(per);
      }),
    );
  });
});

describe('autoWidths', () => {
  it('fills the width, gives each column at least its widest token when they fit, and scales down otherwise', () => {
    const w = autoWidths([50, 30, 20], [200, 30, 400], 300);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(300);
    expect(w[0]).toBeGreaterThanOrEqual(50);
    expect(w[1]).toBeGreaterThanOrEqual(30);
    expect(autoWidths([10, 10], [20, 40], 120)).toEqual([40, 80]);
    expect(autoWidths([200, 200], [200, 200], 100)).toEqual([50, 50]);
  });
});

describe('fitOneLine and elideMiddle', () => {
  it('cut a line to its width with an ellipsis, and shorten an id keeping both ends', () => {
    expect(fitOneLine('abcdefghij', 30, mono)).toBe('abcde…');
    expect(fitOneLine('abc', 30, mono)).toBe('abc');
    expect(elideMiddle('r-b9eb9586b4bdea7f94196ba9c295d731')).toBe('r-b9eb95…c295d731');
    expect(elideMiddle('r-short')).toBe('r-short');
  });
});

describe('fairShares', () => {
  it('gives every claimant what it wants when the total allows, else an even level, never more than wanted', () => {
    expect(fairShares([5, 40, 40, 2], 600)).toEqual([5, 40, 40, 2]);
    expect(fairShares([5, 40, 40, 2], 30)).toEqual([5, 12, 11, 2]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 700 }),
        (wants, total) => {
          const s = fairShares(wants, total);
          const sum = s.reduce((a, b) => a + b, 0);
          expect(sum).toBe(
            Math.min(
              total,
              wants.reduce((a, b) => a + b, 0),
            ),
          );
          for (const [i, x] of s.entries()) expect(x).toBeLessThanOrEqual(wants[i]!);
          const short = s.filter((x, i) => x < wants[i]!);
          if (short.length > 0) expect(Math.max(...short) - Math.min(...short)).toBeLessThanOrEqual(1);
          // Nobody gets more than the level (plus one of the remainder) while someone is short of what it wants.
          if (short.length > 0) for (const x of s) expect(x).toBeLessThanOrEqual(Math.min(...short) + 1);
        },
      ),
    );
  });
});
