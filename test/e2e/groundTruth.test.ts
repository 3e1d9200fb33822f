/**
 * The generator's ground truth against the whole audit: every injected violation is found with its severity, and
 * nothing else is — in every file format, shuffled, gzipped, split over several files.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { generateDataset } from '#shared/generator/index.js';
import { quarantineToFinding } from '#shared/ingest/quarantine.js';
import { auditDataset } from '#shared/pipeline/auditDataset.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-gt-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const key = (f: { check_id: string; subject: string; severity: string }) => `${f.check_id}|${f.subject}|${f.severity}`;

async function compare(name: string, opts: Omit<Parameters<typeof generateDataset>[0], 'out'>) {
  const out = join(work, name);
  await generateDataset({ ...opts, out });
  const audited = await auditDataset(
    { input: out, parameters: DEFAULT_PARAMETERS, toolVersion: 'test', tmpDir: work, sortMemoryRecords: 5000 },
    {
      s3: () => {
        throw new Error('no S3 here');
      },
    },
  );
  for (const q of audited.quarantine.sorted()) audited.collector.report(quarantineToFinding(q));
  const actual = audited.collector.findings().map(key).sort();
  const expected = (await readFile(join(out, 'ground-truth.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => key(JSON.parse(l)))
    .sort();
  return { actual, expected, audited };
}

describe('findings equal the generator ground truth', () => {
  it('JSONL, sorted, one file per stream: every check id appears and matches exactly', async () => {
    const { actual, expected } = await compare('jsonl', { seed: 11, orders: 6000 });
    expect(actual).toEqual(expected);
    const checks = new Set(expected.map((k) => k.split('|')[0]));
    for (const id of [
      'CP-1',
      'CP-2',
      'MMT-1',
      'MMT-2',
      'MMT-3',
      'MMT-4',
      'FS-1',
      'FS-2',
      'FS-3',
      'FS-4',
      'FS-5',
      'FS-6',
      'FS-7',
    ])
      expect(checks, id).toContain(id);
    for (const id of ['NRH-1', 'NRH-2', 'NRH-3', 'NRH-4', 'NRH-5', 'MF-1', 'MF-2', 'MF-3', 'MF-4', 'MF-5', 'MF-6'])
      expect(checks, id).toContain(id);
    for (const id of ['PERP-1', 'PERP-2', 'DQ-1', 'DQ-2', 'DQ-3', 'DQ-4', 'DQ-5', 'DQ-6'])
      expect(checks, id).toContain(id);
  });

  it('CSV with several files per stream', async () => {
    const { actual, expected } = await compare('csv', { seed: 12, orders: 6000, format: 'csv', filesPerStream: 3 });
    expect(actual).toEqual(expected);
  });

  it('shuffled, gzipped, mixed formats (external sort with spilled runs)', async () => {
    const { actual, expected, audited } = await compare('shuffled', {
      seed: 13,
      orders: 8000,
      format: 'mixed',
      gzip: true,
      shuffle: true,
      filesPerStream: 3,
    });
    expect(actual).toEqual(expected);
    const totals = audited.files.reduce(
      (t, f) => ({ r: t.r + f.records, a: t.a + f.accepted, q: t.q + f.quarantined }),
      { r: 0, a: 0, q: 0 },
    );
    expect(totals.r).toBe(totals.a + totals.q);
  });

  it('a higher violation rate', async () => {
    const { actual, expected } = await compare('dense', { seed: 14, orders: 10000, violationRate: 0.01 });
    expect(expected.length).toBeGreaterThan(100);
    expect(actual).toEqual(expected);
  });
});
