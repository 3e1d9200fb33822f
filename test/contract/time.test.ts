import { describe, expect, it } from 'vitest';
import { parseDurationNs, parseTimestampNs } from '#shared/contract/time.js';

describe('contract timestamps', () => {
  it('keeps nanosecond precision', () => {
    const a = parseTimestampNs('2026-02-12T01:02:03.123456789Z')!;
    const b = parseTimestampNs('2026-02-12T01:02:03.12345679Z')!;
    expect(b - a).toBe(1n);
    expect(parseTimestampNs('1970-01-01T00:00:00Z')).toBe(0n);
    expect(parseTimestampNs('1970-01-01T00:00:01.5Z')).toBe(1_500_000_000n);
  });

  it('rejects offsets other than Z, leap seconds, impossible dates and bad forms', () => {
    for (const bad of [
      '2026-02-12T01:02:03+00:00',
      '2026-02-12T01:02:03',
      '2026-02-12 01:02:03Z',
      '2026-02-12T01:02:60Z',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-02-12T24:00:00Z',
      '2026-02-12T01:02:03.1234567891Z',
      '2026-02-12T01:02:03.Z',
      '2026-2-12T01:02:03Z',
    ])
      expect(parseTimestampNs(bad), bad).toBeUndefined();
    expect(parseTimestampNs('2024-02-29T23:59:59.999999999Z')).toBeDefined();
  });

  it('reads years 0000–0099 as themselves (RFC 3339), not as 1900–1999', () => {
    const s = 1_000_000_000n;
    expect(parseTimestampNs('0000-01-01T00:00:00Z')).toBe(-62_167_219_200n * s);
    expect(parseTimestampNs('0100-01-01T00:00:00Z')! - parseTimestampNs('0099-12-31T23:59:59Z')!).toBe(s);
    expect(parseTimestampNs('0004-02-29T00:00:00Z')).toBeDefined();
    expect(parseTimestampNs('0050-02-29T00:00:00Z')).toBeUndefined();
    expect(parseTimestampNs('0050-06-01T00:00:00Z')! < parseTimestampNs('1950-06-01T00:00:00Z')!).toBe(true);
  });
});

describe('ISO durations', () => {
  it('parses the forms the parameters use', () => {
    expect(parseDurationNs('PT1H')).toBe(3_600_000_000_000n);
    expect(parseDurationNs('PT30M')).toBe(1_800_000_000_000n);
    expect(parseDurationNs('P1DT2H')).toBe(93_600_000_000_000n);
    expect(parseDurationNs('PT0.5S')).toBe(500_000_000n);
    for (const bad of ['', 'P', 'PT', '1H', 'PT1X', 'P1Y']) expect(parseDurationNs(bad), bad).toBeUndefined();
  });
});
