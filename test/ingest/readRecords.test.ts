import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '#shared/ingest/readRecords.js';
import { jsonl, readOne, VALID } from './helpers.js';

const staffCsv = (rows: string[], eol = '\n') => ['user_id,entity_id,function', ...rows].join(eol);
const s = (n: number) => ({ ...VALID.staff, user_id: `u-${n}` });

describe('formats and text', () => {
  it('reads JSONL, CSV, and both gzipped, with the same records and line numbers', async () => {
    const j = jsonl(s(1), s(2));
    const c = staffCsv(['u-1,E-OP,surveillance', 'u-2,E-OP,surveillance']);
    for (const [path, content, lines] of [
      ['staff/a.jsonl', j, [1, 2]],
      ['staff/a.jsonl.gz', gzipSync(j), [1, 2]],
      ['staff/a.csv', c, [2, 3]],
      ['staff/a.csv.gz', gzipSync(c), [2, 3]],
    ] as const) {
      const res = await readOne(path, content);
      expect(res.quarantine, path).toEqual([]);
      expect(
        res.accepted.map((a) => [a.line, a.rec.user_id]),
        path,
      ).toEqual([
        [lines[0], 'u-1'],
        [lines[1], 'u-2'],
      ]);
      expect(res.stats).toMatchObject({ records: 2, accepted: 2, quarantined: 0, fault: null });
    }
  });

  it('accepts CRLF line ends, a final line without line end, and a byte-order mark', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const j = Buffer.concat([bom, Buffer.from(`${JSON.stringify(s(1))}\r\n${JSON.stringify(s(2))}`)]);
    const res = await readOne('staff/a.jsonl', j);
    expect(res.accepted.map((a) => a.line)).toEqual([1, 2]);
    const c = Buffer.concat([bom, Buffer.from(staffCsv(['u-1,E-OP,risk', 'u-2,E-OP,risk'], '\r\n'))]);
    const res2 = await readOne('staff/a.csv', c);
    expect(res2.quarantine).toEqual([]);
    // The BOM is not part of the first column's name, and CR is not part of the last cell.
    expect(res2.accepted.map((a) => [a.line, a.rec.user_id, a.rec.function])).toEqual([
      [2, 'u-1', 'risk'],
      [3, 'u-2', 'risk'],
    ]);
    const gz = await readOne('staff/a.csv.gz', gzipSync(c));
    expect(gz.accepted).toHaveLength(2);
  });

  it('skips blank lines (empty or only white space) but counts them as lines', async () => {
    const j = `\n${JSON.stringify(s(1))}\n   \n\t\r\n${JSON.stringify(s(2))}\n\n`;
    const res = await readOne('staff/a.jsonl', j);
    expect(res.accepted.map((a) => a.line)).toEqual([2, 5]);
    expect(res.stats!.records).toBe(2);
    const c = staffCsv(['', 'u-1,E-OP,risk', '  ', 'u-2,E-OP,risk', '']);
    const res2 = await readOne('staff/a.csv', c);
    expect(res2.accepted.map((a) => a.line)).toEqual([3, 5]);
    expect(res2.quarantine).toEqual([]);
  });

  it('an empty file has no records', async () => {
    for (const [p, c] of [
      ['staff/a.jsonl', ''],
      ['staff/a.csv', ''],
      ['staff/a.csv', 'user_id,entity_id,function\n'],
      ['staff/a.jsonl.gz', gzipSync('')],
    ] as const) {
      const res = await readOne(p, c);
      expect(res.stats, p).toMatchObject({ records: 0, fault: null });
      expect(res.quarantine, p).toEqual([]);
    }
  });

  it('computes the SHA-256 and size of the bytes as stored', async () => {
    const gz = gzipSync(jsonl(s(1), s(2), s(3)));
    const res = await readOne('staff/a.jsonl.gz', gz);
    expect(res.stats!.bytes).toBe(gz.length);
    expect(res.stats!.sha256).toBe(createHash('sha256').update(gz).digest('hex'));
    expect(res.stats!.format).toBe('jsonl.gz');
  });

  it('reads records across chunk boundaries, with multi-byte characters split between chunks', async () => {
    const rows = Array.from({ length: 30000 }, (_, i) => ({ ...s(i), entity_id: `É-${'ü'.repeat(i % 7)}😀` }));
    const text = jsonl(...rows);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
    for (const p of ['staff/a.jsonl', 'staff/a.jsonl.gz']) {
      const res = await readOne(p, p.endsWith('.gz') ? gzipSync(text) : text);
      expect(res.quarantine).toEqual([]);
      expect(res.accepted).toHaveLength(rows.length);
      expect(res.accepted[29999]).toMatchObject({ line: 30000, rec: { entity_id: rows[29999]!.entity_id } });
    }
  });
});

describe('DQ-1: JSONL records that fail', () => {
  it('DQ-1: bad JSON, JSON that is not an object, and a wrong type are set aside with reason and raw text', async () => {
    const lines = [
      JSON.stringify(s(1)),
      '{"user_id": "u-2",',
      '[1,2]',
      '"text"',
      'null',
      '42',
      JSON.stringify({ ...s(3), function: 7 }),
    ];
    const res = await readOne('staff/a.jsonl', lines.join('\n'));
    expect(res.accepted.map((a) => a.line)).toEqual([1]);
    expect(res.quarantine.map((q) => [q.line, q.scope])).toEqual([
      [2, 'record'],
      [3, 'record'],
      [4, 'record'],
      [5, 'record'],
      [6, 'record'],
      [7, 'record'],
    ]);
    expect(res.quarantine[0]!.reason).toMatch(/not valid JSON/);
    expect(res.quarantine[0]!.raw).toBe('{"user_id": "u-2",');
    expect(res.quarantine[1]!.reason).toMatch(/not a JSON object/);
    expect(res.quarantine[5]!.reason).toMatch(/function/);
    expect(res.stats).toMatchObject({ records: 7, accepted: 1, quarantined: 6 });
  });

  it('a repeated JSON key keeps the last value (JSON.parse)', async () => {
    const res = await readOne('staff/a.jsonl', '{"user_id":"u-1","user_id":"u-2","entity_id":"E","function":"risk"}');
    expect(res.accepted[0]!.rec.user_id).toBe('u-2');
  });

  it('DQ-1: a record longer than the limit is set aside without keeping it whole', async () => {
    const big = JSON.stringify({ ...s(2), filler: 'x'.repeat(MAX_RECORD_BYTES + 10) });
    const res = await readOne('staff/a.jsonl', [JSON.stringify(s(1)), big, JSON.stringify(s(3))].join('\n'));
    expect(res.accepted.map((a) => a.line)).toEqual([1, 3]);
    expect(res.quarantine).toHaveLength(1);
    expect(res.quarantine[0]).toMatchObject({ line: 2 });
    expect(res.quarantine[0]!.reason).toMatch(/longer than/);
    expect(res.quarantine[0]!.raw.length).toBeLessThan(70_000);
  });
});

describe('DQ-1: CSV (RFC 4180)', () => {
  it('quoted cells hold commas, doubled quotes and line breaks; a record is numbered by its first line', async () => {
    const csv = [
      'user_id,entity_id,function,note',
      '"u,1",E-OP,risk,"he said ""hi"""',
      'u-2,E-OP,risk,"line one',
      'line two',
      '',
      'line four"',
      'u-3,"E-OP",risk,',
      'u-4,E-OP,risk,"crlf\r\ninside"',
    ].join('\n');
    const res = await readOne('staff/a.csv', csv);
    expect(res.quarantine).toEqual([]);
    expect(res.accepted.map((a) => [a.line, a.rec.user_id])).toEqual([
      [2, 'u,1'],
      [3, 'u-2'],
      [7, 'u-3'],
      [8, 'u-4'],
    ]);
  });

  it('DQ-1: a quote error ends its record at the end of its line; the next line is a record again', async () => {
    const csv = [
      'user_id,entity_id,function',
      'u-1,E"OP,risk', // quote inside an unquoted cell
      'u-2,"E-OP"x,risk', // closing quote followed by something else
      'u-3,E-OP,risk',
      '"u-4,E-OP,risk',
      'still u-4" junk,E-OP,risk', // multi-line record whose closing quote is followed by text
      'u-5,E-OP,risk',
    ].join('\n');
    const res = await readOne('staff/a.csv', csv);
    expect(res.accepted.map((a) => [a.line, a.rec.user_id])).toEqual([
      [4, 'u-3'],
      [7, 'u-5'],
    ]);
    expect(res.quarantine.map((q) => q.line)).toEqual([2, 3, 5]);
    for (const q of res.quarantine) expect(q.reason).toMatch(/quote error/);
    expect(res.quarantine[2]!.raw).toBe('"u-4,E-OP,risk\nstill u-4" junk,E-OP,risk');
    expect(res.stats).toMatchObject({ records: 5, accepted: 2, quarantined: 3 });
  });

  it('DQ-1: an unterminated quoted field makes the rest of the file one malformed record', async () => {
    const csv = [
      'user_id,entity_id,function',
      'u-1,E-OP,risk',
      'u-2,"E-OP,risk',
      'u-3,E-OP,risk',
      'u-4,E-OP,risk',
    ].join('\n');
    const res = await readOne('staff/a.csv', csv);
    expect(res.accepted.map((a) => a.line)).toEqual([2]);
    expect(res.quarantine).toHaveLength(1);
    expect(res.quarantine[0]).toMatchObject({ line: 3, scope: 'record' });
    expect(res.quarantine[0]!.reason).toMatch(/unterminated/);
    expect(res.stats).toMatchObject({ records: 2, accepted: 1, quarantined: 1, fault: null });
  });

  it('DQ-1: a row with more or fewer cells than the header is malformed', async () => {
    const csv = [
      'user_id,entity_id,function',
      'u-1,E-OP',
      'u-2,E-OP,risk,extra',
      'u-3,E-OP,risk',
      'u-4,E-OP,risk,',
    ].join('\n');
    const res = await readOne('staff/a.csv', csv);
    expect(res.accepted.map((a) => a.line)).toEqual([4]);
    expect(res.quarantine.map((q) => [q.line, q.reason])).toEqual([
      [2, 'malformed CSV record: 2 cells, the header has 3'],
      [3, 'malformed CSV record: 4 cells, the header has 3'],
      [5, 'malformed CSV record: 4 cells, the header has 3'],
    ]);
  });

  it('DQ-1: a malformed header is one file-level DQ-1 and every row is set aside', async () => {
    const res = await readOne('staff/a.csv', ['user_id,"entity_id,function', 'x'].join('\n'));
    expect(res.quarantine).toHaveLength(1);
    expect(res.quarantine[0]).toMatchObject({ line: 1, scope: 'file' });
    const res2 = await readOne('staff/a.csv', ['user_id,entity"id,function', 'u-1,E,risk', 'u-2,E,risk'].join('\n'));
    expect(res2.quarantine.map((q) => [q.line, q.scope])).toEqual([
      [1, 'file'],
      [2, 'record'],
      [3, 'record'],
    ]);
    expect(res2.stats).toMatchObject({ records: 2, accepted: 0, quarantined: 2 });
  });

  it('DQ-1: a header without a required column sets aside each row as a missing field', async () => {
    const res = await readOne('staff/a.csv', ['user_id,function', 'u-1,risk'].join('\n'));
    expect(res.quarantine).toHaveLength(1);
    expect(res.quarantine[0]!.reason).toMatch(/entity_id/);
  });
});

describe('DQ-1: files that cannot be read to their end', () => {
  it('DQ-1: a truncated gzip keeps the records before the fault and reports the first line not read', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => s(i));
    const gz = gzipSync(jsonl(...rows));
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const res = await readOne('staff/a.jsonl.gz', cut);
    const n = res.accepted.length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(2000);
    expect(res.accepted.map((a) => a.line)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(res.quarantine).toHaveLength(1);
    expect(res.quarantine[0]).toMatchObject({ line: n + 1, scope: 'file' });
    expect(res.quarantine[0]!.reason).toMatch(/gzip/);
    expect(res.stats!.fault).toMatch(/gzip/);
    expect(res.stats).toMatchObject({ records: n, accepted: n, quarantined: 0, bytes: cut.length });
    expect(res.stats!.sha256).toBe(createHash('sha256').update(cut).digest('hex'));
  });

  it('DQ-1: a gzip cut after the data (missing trailer) keeps every record and faults on the line after', async () => {
    const gz = gzipSync(jsonl(s(1), s(2), s(3)));
    const res = await readOne('staff/a.jsonl.gz', gz.subarray(0, gz.length - 4));
    expect(res.accepted.map((a) => a.line)).toEqual([1, 2, 3]);
    expect(res.quarantine.map((q) => q.line)).toEqual([4]);
  });

  it('DQ-1: a file that is not gzip at all faults at line 1', async () => {
    const res = await readOne('staff/a.csv.gz', staffCsv(['u-1,E-OP,risk']));
    expect(res.accepted).toEqual([]);
    expect(res.quarantine).toMatchObject([{ line: 1, scope: 'file' }]);
  });

  it('DQ-1: bytes that are not UTF-8 stop the file at that line; records before are kept', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${JSON.stringify(s(1))}\n${JSON.stringify(s(2))}\n{"user_id":"u-`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`","entity_id":"E","function":"risk"}\n${JSON.stringify(s(4))}\n`),
    ]);
    for (const [p, c] of [
      ['staff/a.jsonl', bad],
      ['staff/a.jsonl.gz', gzipSync(bad)],
    ] as const) {
      const res = await readOne(p, c);
      expect(
        res.accepted.map((a) => a.line),
        p,
      ).toEqual([1, 2]);
      expect(res.quarantine, p).toHaveLength(1);
      expect(res.quarantine[0], p).toMatchObject({ line: 3, scope: 'file' });
      expect(res.quarantine[0]!.reason).toMatch(/not UTF-8/);
      // The bytes the file holds, not replacement characters.
      expect(res.quarantine[0]!.raw).toBe('{"user_id":"u-\\xFF\\xFE","entity_id":"E","function":"risk"}');
      expect(res.stats!.bytes).toBe(c.length);
    }
  });

  it('DQ-1: invalid UTF-8 inside a multi-line CSV record faults at the line of the bad byte', async () => {
    const bad = Buffer.concat([
      Buffer.from('user_id,entity_id,function\nu-1,E,risk\nu-2,"E\nx'),
      Buffer.from([0xc3]),
      Buffer.from('",risk\nu-3,E,risk\n'),
    ]);
    const res = await readOne('staff/a.csv', bad);
    expect(res.accepted.map((a) => a.line)).toEqual([2]);
    expect(res.quarantine).toMatchObject([{ line: 4, scope: 'file' }]);
    expect(res.quarantine[0]!.reason).toMatch(/line 3 is incomplete/);
  });

  it('DQ-1: an overlong-encoded or surrogate UTF-8 sequence is not UTF-8', async () => {
    for (const bytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
    ]) {
      const res = await readOne(
        'staff/a.jsonl',
        Buffer.concat([Buffer.from(`${JSON.stringify(s(1))}\n`), Buffer.from(bytes)]),
      );
      expect(res.accepted).toHaveLength(1);
      expect(res.quarantine).toMatchObject([{ line: 2, scope: 'file' }]);
    }
  });
});
