/** Bytes as evidence text: valid UTF-8 decoded, every other byte `\xNN`, against Node's own strict decoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesAsText } from '#shared/ingest/lines.js';

describe('bytesAsText', () => {
  it('decodes valid UTF-8 as Node does and writes each other byte as \\xNN', () => {
    expect(bytesAsText(Buffer.from('plain ✓ 日本 🙂'))).toBe('plain ✓ 日本 🙂');
    expect(bytesAsText(Buffer.from([0x61, 0xff, 0xfe, 0x62]))).toBe('a\\xFF\\xFEb');
    // Overlong, surrogate, out of range, truncated: every byte of the broken sequence shown.
    expect(bytesAsText(Buffer.from([0xc0, 0xaf]))).toBe('\\xC0\\xAF');
    expect(bytesAsText(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\\xED\\xA0\\x80');
    expect(bytesAsText(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe('\\xF4\\x90\\x80\\x80');
    expect(bytesAsText(Buffer.from([0x78, 0xe2, 0x9c]))).toBe('x\\xE2\\x9C');
  });

  it('equals the strict decoder on valid input and never yields a replacement character for invalid input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const b = Buffer.from(bytes);
        const text = bytesAsText(b);
        let strict: string | undefined;
        try {
          strict = new TextDecoder('utf-8', { fatal: true }).decode(b);
        } catch {
          strict = undefined;
        }
        if (strict !== undefined) expect(text).toBe(strict);
        else expect(text).toMatch(/\\x[0-9A-F]{2}/);
        expect(text.includes('\ufffd')).toBe(b.includes(Buffer.from('\ufffd')));
      }),
      { numRuns: 2000 },
    );
  });
});
