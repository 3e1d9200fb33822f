import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasetSource, parseS3Uri, S3DatasetSource } from '#shared/adapters/s3/datasetSource.js';
import { FileNotFoundError, SourceError } from '#shared/ingest/errors.js';
import { classifyLayout } from '#shared/ingest/layout.js';
import { readRecords } from '#shared/ingest/readRecords.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import { jsonl, tempDataset, VALID } from './helpers.js';

const streamText = async (s: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
};

describe('LocalDatasetSource', () => {
  it('lists every file recursively, relative, /-separated, in byte order of the path', async () => {
    const ds = tempDataset({
      'orders/b.jsonl': 'x',
      'orders/B.jsonl': 'xy',
      'orders/sub/a.jsonl': '',
      'orders/é.jsonl': '1',
      'orders/\u{1F600}.jsonl': '1',
      'orders/\uFF21.jsonl': '1',
      'manifest.json': '{}',
    });
    try {
      const files = await new LocalDatasetSource(ds.root).list();
      // Byte order: 'B' < 'b' < 's' < 'é' (C3 A9) < U+FF21 (EF BC A1) < U+1F600 (F0 9F 98 80).
      expect(files.map((f) => f.path)).toEqual([
        'manifest.json',
        'orders/B.jsonl',
        'orders/b.jsonl',
        'orders/sub/a.jsonl',
        'orders/é.jsonl',
        'orders/\uFF21.jsonl',
        'orders/\u{1F600}.jsonl',
      ]);
      expect(files.find((f) => f.path === 'orders/B.jsonl')!.size).toBe(2);
    } finally {
      ds.remove();
    }
  });

  it('follows symbolic links without looping, and reports a missing file or root', async () => {
    const ds = tempDataset({ 'orders/a.jsonl': 'abc' });
    try {
      symlinkSync(join(ds.root, 'orders'), join(ds.root, 'orders', 'loop'));
      symlinkSync(join(ds.root, 'orders', 'a.jsonl'), join(ds.root, 'trades.jsonl'));
      const src = new LocalDatasetSource(ds.root);
      expect((await src.list()).map((f) => f.path)).toEqual(['orders/a.jsonl', 'trades.jsonl']);
      expect((await streamText(await src.open('orders/a.jsonl'))).toString()).toBe('abc');
      await expect(src.open('nope.jsonl')).rejects.toBeInstanceOf(FileNotFoundError);
      await expect(new LocalDatasetSource(join(ds.root, 'missing')).list()).rejects.toBeInstanceOf(SourceError);
      await expect(new LocalDatasetSource(join(ds.root, 'trades.jsonl')).list()).rejects.toThrow(/not a folder/);
    } finally {
      ds.remove();
    }
  });
});

describe('parseS3Uri / openDatasetSource', () => {
  it('splits bucket and prefix; the prefix ends with /', () => {
    expect(parseS3Uri('s3://raw-logs/venue=HKVX/date=2026-02-12/')).toEqual({
      bucket: 'raw-logs',
      prefix: 'venue=HKVX/date=2026-02-12/',
    });
    expect(parseS3Uri('s3://raw-logs/a/b')).toEqual({ bucket: 'raw-logs', prefix: 'a/b/' });
    expect(parseS3Uri('s3://raw-logs')).toEqual({ bucket: 'raw-logs', prefix: '' });
    expect(parseS3Uri('s3://raw-logs/')).toEqual({ bucket: 'raw-logs', prefix: '' });
    expect(() => parseS3Uri('s3:///x')).toThrow(SourceError);
    expect(() => parseS3Uri('http://x/y')).toThrow(SourceError);
  });

  it('creates an S3 client only for s3:// roots', () => {
    let made = 0;
    const deps = {
      s3: () => {
        made++;
        return new S3Client({ region: 'us-east-1' });
      },
    };
    expect(openDatasetSource('/tmp/x', deps)).toBeInstanceOf(LocalDatasetSource);
    expect(made).toBe(0);
    expect(openDatasetSource('s3://b/p', deps)).toBeInstanceOf(S3DatasetSource);
    expect(made).toBe(1);
  });
});

describe('S3DatasetSource against an embedded s3rver', () => {
  let server: S3rver;
  let dir: string;
  let s3: S3Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vatp-s3rver-'));
    mkdirSync(dir, { recursive: true });
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
    const addr = await server.run();
    s3 = new S3Client({
      endpoint: `http://127.0.0.1:${addr.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'raw-logs' }));
    const put = (Key: string, Body: string | Buffer) =>
      s3.send(new PutObjectCommand({ Bucket: 'raw-logs', Key, Body }));
    const prefix = 'venue=HKVX/date=2026-02-12/';
    await put(`${prefix}manifest.json`, '{}');
    await put(`${prefix}staff/`, ''); // a console's folder marker
    await put(`${prefix}staff/s.jsonl`, jsonl(VALID.staff, { ...VALID.staff, user_id: 'u-2' }));
    for (let i = 0; i < 7; i++) await put(`${prefix}orders/part-${i}.jsonl`, `${i}`);
    await put('venue=HKVX/date=2026-02-13/manifest.json', 'other day');
  });

  afterAll(async () => {
    s3?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the prefix through paginated ListObjectsV2, without folder markers or other prefixes', async () => {
    const src = new S3DatasetSource('s3://raw-logs/venue=HKVX/date=2026-02-12', s3, { pageSize: 3 });
    const files = await src.list();
    expect(files.map((f) => f.path)).toEqual([
      'manifest.json',
      ...Array.from({ length: 7 }, (_, i) => `orders/part-${i}.jsonl`),
      'staff/s.jsonl',
    ]);
    expect(files[0]!.size).toBe(2);
    const unpaged = await new S3DatasetSource('s3://raw-logs/venue=HKVX/date=2026-02-12/', s3).list();
    expect(unpaged).toEqual(files);
  });

  it('streams objects byte for byte and reads records from them', async () => {
    const src = new S3DatasetSource('s3://raw-logs/venue=HKVX/date=2026-02-12/', s3);
    expect((await streamText(await src.open('orders/part-3.jsonl'))).toString()).toBe('3');
    const layout = classifyLayout(await src.list(), 1);
    const recs = [];
    for await (const r of readRecords(src, layout.records.staff[0]!, { quarantine: () => {} })) recs.push(r);
    expect(recs.map((r) => [r.file, r.line, r.rec.user_id])).toEqual([
      ['staff/s.jsonl', 1, 'u-1'],
      ['staff/s.jsonl', 2, 'u-2'],
    ]);
    await expect(src.open('missing.jsonl')).rejects.toBeInstanceOf(FileNotFoundError);
  });
});
