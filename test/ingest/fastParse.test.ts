/**
 * Exactness of the fast parser (fastParse.ts): on the same lines and rows, the fast path (with its plain fallback)
 * must accept exactly the records the plain path (JSON.parse / csvRowToJson + zod) accepts, build them identically
 * (same keys, same order, same values), and quarantine the same lines with the same reasons. For every event record
 * type under each contract version that has it (contract 2: orders with route and prefunded, margin, settlements).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRowToJson } from '#shared/contract/records.js';
import { schemaFor } from '#shared/contract/recordsV2.js';
import { fastCsvBuilder, fastJsonParser } from '#shared/ingest/fastParse.js';
import type { QuarantineEntry } from '#shared/ingest/readRecords.js';
import { readRecords } from '#shared/ingest/readRecords.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import {
  CORPUS_KINDS,
  type CorpusKind,
  csvHeaders,
  csvLine,
  csvRows,
  jsonlCorpus,
  kindName,
  ODD_VALUES,
  recordCorpus,
} from './fastCorpus.js';
import { tempDataset } from './helpers.js';

function plainJson(k: CorpusKind, line: string): Record<string, unknown> | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const r = schemaFor(k.type, k.contract)!.safeParse(obj);
  return r.success ? (r.data as Record<string, unknown>) : undefined;
}

function plainCsv(k: CorpusKind, header: readonly string[], cells: readonly string[]) {
  const row: Record<string, string> = {};
  for (let i = 0; i < header.length; i++) row[header[i]!] = cells[i]!;
  const r = schemaFor(k.type, k.contract)!.safeParse(csvRowToJson(k.type, row));
  return r.success ? (r.data as Record<string, unknown>) : undefined;
}

/** The same record: deep equality with undefined-vs-absent told apart, and the same key order. */
function same(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
  } catch {
    return false;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

const TRADES: CorpusKind = { type: 'trades', contract: 1 };

describe('fast JSONL parser against JSON.parse + zod', () => {
  for (const k of CORPUS_KINDS) {
    it(`DQ-1 exactness (${kindName(k)}): whatever the fast path accepts, the plain path accepts as the same record`, () => {
      const parse = fastJsonParser(k.type, k.contract)!;
      const lines = jsonlCorpus(k);
      const wrong: string[] = [];
      let plainAccepted = 0;
      let fastAccepted = 0;
      for (const line of lines) {
        const fast = parse(line);
        const plain = plainJson(k, line);
        if (plain !== undefined) plainAccepted++;
        if (fast === undefined) continue;
        fastAccepted++;
        if (plain === undefined || !same(fast, plain)) wrong.push(line);
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      // Not vacuous: the corpus has plenty of valid lines, and the fast path takes most of them.
      expect(plainAccepted).toBeGreaterThan(50);
      expect(fastAccepted).toBeGreaterThan(plainAccepted * 0.6);
    });
  }

  it('takes the fast path for the plain, well-formed records of every event type', () => {
    for (const k of CORPUS_KINDS) {
      const parse = fastJsonParser(k.type, k.contract)!;
      const base = recordCorpus(k)[0]!;
      const line = JSON.stringify(base);
      expect(parse(line), kindName(k)).toBeDefined();
      expect(parse(` ${JSON.stringify(base, null, 1).replace(/\n/g, ' ')} `), kindName(k)).toBeDefined();
    }
  });

  it('contract 2 fields: read under contract 2, dropped under contract 1 (and a routed snapshot fails only there)', () => {
    const base = recordCorpus({ type: 'orders', contract: 2 })[0]!;
    const line = JSON.stringify(base);
    expect(fastJsonParser('orders', 2)!(line)).toMatchObject({ route: 'V-SG', prefunded: '1940.2' });
    const v1 = fastJsonParser('orders', 1)!(line)!;
    expect('route' in v1 || 'prefunded' in v1).toBe(false);
    const snapshot = JSON.stringify({ ...base, event: 'snapshot' });
    expect(fastJsonParser('orders', 2)!(snapshot)).toBeUndefined();
    expect(plainJson({ type: 'orders', contract: 2 }, snapshot)).toBeUndefined();
    expect(fastJsonParser('orders', 1)!(snapshot)).toMatchObject({ event: 'snapshot' });
    expect(fastJsonParser('margin', 1)).toBeNull();
    expect(fastJsonParser('settlements', 1)).toBeNull();
  });

  it('leaves escapes, repeated keys, non-integer seq forms and nested unknown values to the plain path', () => {
    const parse = fastJsonParser('trades', 1)!;
    const t = JSON.stringify(recordCorpus(TRADES)[0]);
    expect(parse(t.replace('"t-1"', '"t\\u002d1"'))).toBeUndefined();
    expect(plainJson(TRADES, t.replace('"t-1"', '"t\\u002d1"'))).toMatchObject({ trade_id: 't-1' });
    expect(parse(`${t.slice(0, -1)},"trade_id":"t-2"}`)).toBeUndefined();
    expect(plainJson(TRADES, `${t.slice(0, -1)},"trade_id":"t-2"}`)).toMatchObject({ trade_id: 't-2' });
    expect(parse(t.replace('"seq":4', '"seq":4.0'))).toBeUndefined();
    expect(parse(`${t.slice(0, -1)},"x":{"a":1}}`)).toBeUndefined();
    expect(parse(`${t.slice(0, -1)},"x":[1]}`)).toBeUndefined();
    expect(parse(`${t.slice(0, -1)},"x":"a","y":-1.5e-3,"z":true}`)).toBeDefined();
  });

  for (const k of CORPUS_KINDS) {
    it(`DQ-1 exactness (${kindName(k)}): random records, key orders and spacing`, () => {
      const parse = fastJsonParser(k.type, k.contract)!;
      const base = recordCorpus(k)[0]!;
      const keys = [...Object.keys(base), 'unknown_field'];
      const value = fc.oneof(
        fc.constantFrom(...ODD_VALUES),
        fc.string({ maxLength: 12 }),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.stringMatching(/^-?[0-9]{1,4}(\.[0-9]{1,3})?$/),
        fc.constantFrom(...Object.values(base)),
      );
      const ws = fc.constantFrom('', '', '', ' ', '\t', '\r', ' \t ');
      fc.assert(
        fc.property(
          fc.shuffledSubarray(keys, { minLength: 0 }),
          fc.array(fc.tuple(value, ws, ws), { minLength: keys.length, maxLength: keys.length }),
          fc.boolean(),
          (subset, vals, keepBase) => {
            const pairs = subset.map((k, i) => {
              const [v, w1, w2] = vals[i]!;
              const use = keepBase && k in base && i % 3 !== 0 ? base[k] : v;
              return `${w1}${JSON.stringify(k)}${w2}:${w1}${JSON.stringify(use)}${w2}`;
            });
            const line = `{${pairs.join(',')}}`;
            const fast = parse(line);
            if (fast === undefined) return true;
            const plain = plainJson(k, line);
            return plain !== undefined && same(fast, plain);
          },
        ),
        { numRuns: 3000, seed: 20260212 },
      );
    });
  }
});

describe('fast CSV builder against csvRowToJson + zod', () => {
  for (const k of CORPUS_KINDS) {
    it(`DQ-1 exactness (${kindName(k)}): every header shape and odd cell`, () => {
      let plainAccepted = 0;
      let fastAccepted = 0;
      const wrong: string[] = [];
      for (const header of csvHeaders(k)) {
        const build = fastCsvBuilder(k.type, k.contract, header);
        const dupKnown =
          new Set(header).size !== header.length &&
          header.filter((h) => h !== 'note').length !== new Set(header.filter((h) => h !== 'note')).size;
        if (dupKnown) expect(build, 'a header naming a field twice has no fast path').toBeNull();
        for (const cells of csvRows(k, header)) {
          const plain = plainCsv(k, header, cells);
          if (plain !== undefined) plainAccepted++;
          const fast = build?.(cells);
          if (fast === undefined) continue;
          fastAccepted++;
          if (plain === undefined || !same(fast, plain)) wrong.push(`${header.join(',')} | ${csvLine(cells)}`);
        }
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(plainAccepted).toBeGreaterThan(50);
      expect(fastAccepted).toBeGreaterThan(plainAccepted * 0.6);
    });
  }
});

/** Reads one file both ways and returns what each path accepted and set aside. */
async function readBoth(k: CorpusKind, path: string, content: string) {
  const ds = tempDataset({ [path]: content });
  try {
    const source = new LocalDatasetSource(ds.root);
    const format = path.endsWith('.csv') ? 'csv' : 'jsonl';
    const file = { path, size: 0, record_type: k.type, format, contract: k.contract } as const;
    const run = async (parse: 'fast' | 'plain') => {
      const accepted: { line: number; json: string; rec: unknown }[] = [];
      const quarantine: QuarantineEntry[] = [];
      for await (const x of readRecords(source, file, { quarantine: (q) => quarantine.push(q) }, { parse })) {
        accepted.push({ line: x.line, json: JSON.stringify(x.rec), rec: x.rec });
      }
      return { accepted, quarantine };
    };
    return { fast: await run('fast'), plain: await run('plain') };
  } finally {
    ds.remove();
  }
}

describe('readRecords: fast path and plain path give identical accepted records and quarantine', () => {
  for (const k of CORPUS_KINDS) {
    it(`DQ-1 (${kindName(k)}, jsonl): same records, same lines, same reasons and raw text, LF and CRLF`, async () => {
      const lines = jsonlCorpus(k);
      for (const eol of ['\n', '\r\n']) {
        const { fast, plain } = await readBoth(k, `${k.type}/corpus.jsonl`, lines.join(eol));
        expect(fast.accepted.length).toBeGreaterThan(50);
        expect(fast.accepted).toStrictEqual(plain.accepted);
        expect(fast.quarantine).toStrictEqual(plain.quarantine);
      }
    });

    it(`DQ-1 (${kindName(k)}, csv): same records, same lines, same reasons, with quoting and every header shape`, async () => {
      for (const header of csvHeaders(k)) {
        const rows = csvRows(k, header).map(csvLine);
        // Quote errors, short and long rows and blank lines among the good ones.
        rows.splice(3, 0, 'a"b,c', '"x"y,1', '', '  ', `${csvLine(header)},extra`, 'only-one-cell');
        const text = `${csvLine(header)}\n${rows.join('\n')}\n`;
        const { fast, plain } = await readBoth(k, `${k.type}/corpus.csv`, text);
        expect(fast.accepted).toStrictEqual(plain.accepted);
        expect(fast.quarantine).toStrictEqual(plain.quarantine);
      }
    });
  }
});
