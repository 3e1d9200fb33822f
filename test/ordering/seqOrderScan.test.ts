/**
 * The order pre-scan may say "in order" only when the records the reader will accept come in non-decreasing seq
 * order: then the file is merged as it is read. Its shortcut (the seq at the start of a plain line) must not be
 * fooled by repeated or escaped keys, other key orders, malformed lines, CSV quoting or compression. Every case also
 * runs the pre-scan folded into the hashing read of the run (inputs.ts hashAndScanInputs): same answer, same hash.
 */
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordType } from '#shared/contract/records.js';
import { type DataFile, formatOf } from '#shared/ingest/layout.js';
import { readRecords } from '#shared/ingest/readRecords.js';
import { type DatasetSource, LocalDatasetSource } from '#shared/ingest/source.js';
import { fileIsInSeqOrder, simpleSeq } from '#shared/ordering/seqOrderScan.js';
import { sortBySeq } from '#shared/ordering/sortBySeq.js';
import { hashAndScanInputs, hashInputs } from '#shared/pipeline/inputs.js';
import { tempDataset, VALID } from '../ingest/helpers.js';

const order = (seq: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...VALID.orders, seq, order_id: `o-${seq}`, ...extra });
const { seq: _seq, ...ORDER_WITHOUT_SEQ } = VALID.orders;
const TRADE_HEADER = 'seq,ts,trade_id,symbol,price,qty,maker_order_id,taker_order_id,maker_mm_tag,taker_mm_tag,phase';
const tradeRow = (seq: number | string, id = `t-${seq}`) =>
  `${seq},2026-02-12T01:00:01Z,${id},BTC-USD,97000.1,0.4,o-1,o-2,true,false,continuous`;

/** The pre-scan's answer and the seqs of the records the reader accepts, for one file. */
async function scan(path: string, content: string | Buffer): Promise<{ inOrder: boolean; seqs: number[] }> {
  const ds = tempDataset({ [path]: content });
  try {
    const source = new LocalDatasetSource(ds.root);
    const file: DataFile = {
      path,
      size: 0,
      record_type: path.split('/')[0] as RecordType,
      format: formatOf(path)!,
      contract: 1,
    };
    const seqs: number[] = [];
    for await (const x of readRecords(source, file, { quarantine: () => undefined })) {
      seqs.push((x.rec as { seq: number }).seq);
    }
    const inOrder = await fileIsInSeqOrder(source, file);
    // The same pre-scan folded into the hashing read of the run gives the same answer, and the same hash.
    const folded = await hashAndScanInputs(source, [file], new Map([[path, file]]));
    expect(folded.inOrder.get(path)).toBe(inOrder);
    expect(folded.hashes).toEqual(await hashInputs(source, [file]));
    // Its line count (the progress bar's first estimate of records): of a gzipped file only when it is in order.
    const gz = path.endsWith('.gz');
    expect(folded.lines.get(path)).toBe(
      gz && !inOrder ? undefined : countLf(gz ? gunzipSync(content) : String(content)),
    );
    return { inOrder, seqs };
  } finally {
    ds.remove();
  }
}

const countLf = (text: string | Buffer) => String(text).split('\n').length - 1;

const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

describe('fileIsInSeqOrder', () => {
  it('says yes for files in seq order (equal seqs too), JSONL, CSV and gzipped, with CRLF and a BOM', async () => {
    const lines = [order(1), order(2), order(2), order(10)];
    expect((await scan('orders/a.jsonl', lines.join('\n'))).inOrder).toBe(true);
    expect((await scan('orders/a.jsonl', `\ufeff${lines.join('\r\n')}\r\n`)).inOrder).toBe(true);
    expect((await scan('orders/a.jsonl.gz', gzipSync(lines.join('\n')))).inOrder).toBe(true);
    const csv = [TRADE_HEADER, tradeRow(1), tradeRow(3), tradeRow(3), tradeRow(40)].join('\n');
    expect((await scan('trades/t.csv', csv)).inOrder).toBe(true);
    expect((await scan('trades/t.csv.gz', gzipSync(csv))).inOrder).toBe(true);
    expect((await scan('orders/empty.jsonl', '')).inOrder).toBe(true);
  });

  it('says no as soon as an accepted record goes back in seq', async () => {
    expect((await scan('orders/a.jsonl', [order(1), order(3), order(2)].join('\n'))).inOrder).toBe(false);
    expect((await scan('trades/t.csv', [TRADE_HEADER, tradeRow(5), tradeRow(4)].join('\n'))).inOrder).toBe(false);
  });

  it('is not fooled by a repeated seq key (JSON.parse keeps the last) or an escaped one', async () => {
    const repeated = `${order(9).slice(0, -1)},"seq":1}`;
    const r1 = await scan('orders/a.jsonl', [order(5), repeated].join('\n'));
    expect(r1.seqs).toEqual([5, 1]);
    expect(r1.inOrder).toBe(false);
    const escaped = order(1).replace('"seq":1', '"seq":9,"s\\u0065q":1');
    const r2 = await scan('orders/a.jsonl', [order(5), escaped].join('\n'));
    expect(r2.seqs).toEqual([5, 1]);
    expect(r2.inOrder).toBe(false);
  });

  it('reads the real seq of a valid record whose keys come in another order', async () => {
    const reordered = JSON.stringify({ ...ORDER_WITHOUT_SEQ, seq: 1 });
    expect(reordered.startsWith('{"seq"')).toBe(false);
    const r = await scan('orders/a.jsonl', [order(5), reordered].join('\n'));
    expect(r.seqs).toEqual([5, 1]);
    expect(r.inOrder).toBe(false);
  });

  it('leaves out records the reader sets aside (malformed, wrong types, blank, too-small seq of a bad line)', async () => {
    const bad = [
      '{"seq":1,"broken"',
      order(1, { qty: 5 }),
      JSON.stringify({ ...VALID.orders, seq: '1' }),
      '   ',
      '{"seq":1}',
    ];
    const r = await scan('orders/a.jsonl', [order(5), ...bad, order(6)].join('\n'));
    expect(r.seqs).toEqual([5, 6]);
    expect(r.inOrder).toBe(true);
    // A set-aside plain line with a high seq is counted (the shortcut does not parse it): a safe "no".
    const high = await scan('orders/a.jsonl', [order(5), order(50, { qty: 5 }), order(6)].join('\n'));
    expect(high.seqs).toEqual([5, 6]);
    expect(high.inOrder).toBe(false);
  });

  it('CSV: quoted cells with commas and line breaks, rows of the wrong width, the last of repeated seq columns', async () => {
    const quoted = tradeRow(2, '"t,2\nsecond line"');
    const r1 = await scan('trades/t.csv', [TRADE_HEADER, tradeRow(1), quoted, tradeRow(3)].join('\n'));
    expect(r1.seqs).toEqual([1, 2, 3]);
    expect(r1.inOrder).toBe(true);
    const r2 = await scan('trades/t.csv', [TRADE_HEADER, tradeRow(5), `${tradeRow(1)},x`, tradeRow(6)].join('\n'));
    expect(r2.inOrder).toBe(true);
    const twice = `${TRADE_HEADER},seq`;
    const r3 = await scan('trades/t.csv', [twice, `${tradeRow(1)},9`, `${tradeRow(5)},2`].join('\n'));
    expect(r3.seqs).toEqual([9, 2]);
    expect(r3.inOrder).toBe(false);
    const r4 = await scan('trades/t.csv', [TRADE_HEADER, tradeRow(5), tradeRow('0000000000000004')].join('\n'));
    expect(r4.seqs).toEqual([5, 4]);
    expect(r4.inOrder).toBe(false);
  });

  it('says no on a corrupt gzip (the ordinary path reports the fault); bytes that are not UTF-8 end the records', async () => {
    const gz = gzipSync([order(1), order(2)].join('\n'));
    expect((await scan('orders/a.jsonl.gz', gz.subarray(0, gz.length - 12))).inOrder).toBe(false);
    // The reader keeps the records before the bad bytes; the scan, counting more lines, can only be stricter.
    const bad = Buffer.from([0xff, 0xfe, 0x0a]);
    const inOrder = Buffer.concat([Buffer.from(`${order(1)}\n`), bad, Buffer.from(`${order(7)}\n`)]);
    const r1 = await scan('orders/a.jsonl', inOrder);
    expect(r1.seqs).toEqual([1]);
    expect(r1.inOrder).toBe(true);
    const backAfter = Buffer.concat([Buffer.from(`${order(5)}\n`), bad, Buffer.from(`${order(2)}\n`)]);
    expect((await scan('orders/a.jsonl', backAfter)).inOrder).toBe(false);
  });

  it('simpleSeq reads only the plain shape', () => {
    expect(simpleSeq('{"seq":42,"ts":"x"}')).toBe(42);
    expect(simpleSeq('{"seq":42}')).toBe(42);
    // Judged on bytes: multi-byte UTF-8 before a second key must not shift what is looked at.
    expect(simpleSeq('{"seq":42,"a":"é€😀","b":"q"}')).toBe(42);
    for (const t of [
      '{ "seq":42,',
      '{"seq":42.0,',
      '{"seq":4e1,',
      '{"seq":"42",',
      '{"seq":42,"a":"\\"","b":1}',
      '{"seq":42,"seq":1}',
      '{"seq":42,"a":"é€😀","seq":1}',
      '{"seq":1234567890123456,',
      '{"seq":,',
    ]) {
      expect(simpleSeq(t), t).toBe(-1);
    }
  });

  it('never says yes when the accepted records are out of order (random files of tricky lines)', async () => {
    const line = fc.oneof(
      fc.integer({ min: 0, max: 30 }).map((s) => order(s)),
      fc.integer({ min: 0, max: 30 }).map((s) => `${order(s + 1).slice(0, -1)},"seq":${s}}`),
      fc.integer({ min: 0, max: 30 }).map((s) => order(s).replace(`"seq":${s}`, `"seq":${s},"s\\u0065q":${30 - s}`)),
      fc.integer({ min: 0, max: 30 }).map((s) => JSON.stringify({ ...ORDER_WITHOUT_SEQ, seq: s })),
      fc.integer({ min: 0, max: 30 }).map((s) => order(s, { qty: 1 })),
      fc.integer({ min: 0, max: 30 }).map((s) => `{"seq":${s},"broken`),
      fc.constant(''),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
        const r = await scan('orders/p.jsonl', lines.join('\n'));
        if (r.inOrder) expect(nonDecreasing(r.seqs)).toBe(true);
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});

describe('fileIsInSeqOrder across chunk boundaries', () => {
  it('gives the same answer whatever the chunk sizes (lines split anywhere, also inside a BOM or CRLF)', async () => {
    const lines = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 9 }).map((s) => order(s)),
        fc.integer({ min: 0, max: 9 }).map((s) => order(s, { user_id: 'a\\b' })),
        fc.integer({ min: 0, max: 9 }).map((s) => JSON.stringify({ ...ORDER_WITHOUT_SEQ, seq: s })),
        fc.constant('  '),
      ),
      { maxLength: 8 },
    );
    const answer = async (bytes: Buffer, cuts: number[]) => {
      const { source, file } = inMemory('orders/m.jsonl', bytes, cuts);
      return fileIsInSeqOrder(source, file);
    };
    await fc.assert(
      fc.asyncProperty(
        lines,
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (ls, bom, crlf, cuts) => {
          const text = `${bom ? '\ufeff' : ''}${ls.join(crlf ? '\r\n' : '\n')}`;
          const bytes = Buffer.from(text, 'utf8');
          expect(await answer(bytes, cuts)).toBe(await answer(bytes, []));
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});

/** A file of `bytes` in a source that hands them out cut at `cuts` (modulo its length). */
function inMemory(path: string, bytes: Buffer, cuts: number[]): { source: DatasetSource; file: DataFile } {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    if (p > prev) chunks.push(bytes.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  const source: DatasetSource = { root: 'mem', list: async () => [], open: async () => Readable.from(chunks) };
  const file: DataFile = {
    path,
    size: bytes.length,
    record_type: path.split('/')[0] as RecordType,
    format: formatOf(path)!,
    contract: 1,
  };
  return { source, file };
}

describe('fast reading of plain lines and rows against the reader-only scan', () => {
  const answers = async (path: string, text: string, cuts: number[]) => {
    const bytes = Buffer.from(text, 'utf8');
    const fast = inMemory(path, bytes, cuts);
    const plain = inMemory(path, bytes, cuts);
    return {
      fast: await fileIsInSeqOrder(fast.source, fast.file),
      plain: await fileIsInSeqOrder(plain.source, plain.file, { fastPaths: false }),
    };
  };

  it('CSV: the same answer as parsing every row (quoted cells and line breaks, wrong widths, odd seq cells)', async () => {
    const seq = fc.integer({ min: 0, max: 20 });
    const row = fc.oneof(
      seq.map((s) => tradeRow(s)),
      seq.map((s) => tradeRow(s, `"t,${s}"`)),
      seq.map((s) => tradeRow(s, `"t\n${s}`)),
      seq.map((s) => tradeRow(s, `"t""${s}""\r\n,x"`)),
      seq.map((s) => tradeRow(` ${s}`)),
      seq.map((s) => tradeRow(`${s}.0`)),
      seq.map((s) => tradeRow(`"${s}"`)),
      seq.map((s) => `${tradeRow(s)},extra`),
      seq.map((s) => tradeRow(s).split(',').slice(0, 5).join(',')),
      seq.map((s) => tradeRow(s, `é€${s}`)),
      fc.constantFrom('', '  ', '\t', ',,,', '"', 'x"y', '1234567890123456,a'),
    );
    const header = fc.constantFrom(
      TRADE_HEADER,
      TRADE_HEADER.replace('seq,ts', 'ts,seq'),
      TRADE_HEADER.replace('phase', 'seq'),
      TRADE_HEADER.replace('seq,', 'sequence,'),
      `"seq",${TRADE_HEADER.slice(4)}`,
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.array(row, { maxLength: 10 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (h, rows, crlf, cuts) => {
          const text = [h, ...rows].join(crlf ? '\r\n' : '\n');
          const r = await answers('trades/p.csv', text, cuts);
          expect(r.fast).toBe(r.plain);
        },
      ),
      { numRuns: 400, seed: 21 },
    );
  });

  it('JSONL: the fast reading never says yes where decoding every line says no', async () => {
    const seq = fc.integer({ min: 0, max: 20 });
    const line = fc.oneof(
      seq.map((s) => order(s)),
      seq.map((s) => order(s, { user_id: 'é€😀' })),
      seq.map((s) => `${order(s + 1).slice(0, -1)},"seq":${s}}`),
      seq.map((s) => order(s, { qty: 1 })),
      seq.map((s) => JSON.stringify({ ...ORDER_WITHOUT_SEQ, seq: s })),
      fc.constantFrom('', '  ', '{"seq":3', '{"seq":'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 5 }), async (ls, cuts) => {
        const r = await answers('orders/p.jsonl', ls.join('\n'), cuts);
        if (r.fast) expect(r.plain).toBe(true);
      }),
      { numRuns: 300, seed: 22 },
    );
  });
});

describe('sortBySeq with inputs marked ordered', () => {
  const item = (seq: number, line: number) => ({ rec: { seq }, file: 'f', line, kind: 'order' });
  const input = (items: ReturnType<typeof item>[], ordered: boolean) => ({
    ordered,
    async *[Symbol.asyncIterator]() {
      yield* items;
    },
  });

  it('merges ordered inputs as they are read, together with buffered ones', async () => {
    const out: number[] = [];
    const inputs = [input([item(1, 1), item(4, 2), item(6, 3)], true), input([item(5, 1), item(2, 2)], false)];
    for await (const x of sortBySeq(inputs, { tmpDir: '/tmp', maxInMemory: 1 })) out.push(x.rec.seq);
    expect(out).toEqual([1, 2, 4, 5, 6]);
  });

  it('fails the run if an input marked ordered is not (it changed after the pre-scan)', async () => {
    const inputs = [input([item(3, 1), item(1, 2)], true)];
    await expect(async () => {
      for await (const _ of sortBySeq(inputs, { tmpDir: '/tmp' })) void _;
    }).rejects.toThrow(/no longer in seq order/);
  });
});
