/**
 * End-to-end exactness of the fast ingestion: on the same generated datasets (with injected violations and
 * malformed records), the fast parser with the order pre-scan must give the very same findings, check populations
 * and quarantine as the plain path (JSON.parse / csvRowToJson + zod) with the buffered external sort forced to spill.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditPass } from '#shared/bench/auditPass.js';
import { generateDataset } from '#shared/generator/index.js';

const work = mkdtempSync(join(tmpdir(), 'vatp-fastpath-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Appends adversarial lines to the first orders and trades files of a JSONL dataset. */
function addAdversarialLines(root: string): void {
  for (const dir of ['orders', 'trades']) {
    const file = readdirSync(join(root, dir)).sort()[0]!;
    const path = join(root, dir, file);
    const text = readFileSync(path, 'utf8');
    const first = text.slice(0, text.indexOf('\n'));
    const rec = JSON.parse(first) as Record<string, unknown>;
    const extra = [
      JSON.stringify({ ...rec, seq: 10_000_000 }).replace('"seq"', '"s\\u0065q"'),
      `${JSON.stringify({ ...rec, seq: 10_000_001 }).slice(0, -1)},"seq":10000002}`,
      JSON.stringify({ ...rec, seq: '10000003' }),
      JSON.stringify({ ...rec, seq: 10_000_004, ts: '2026-02-12T01:00:00+00:00' }),
      JSON.stringify({ ...rec, seq: 10_000_005, qty: 1 }),
      JSON.stringify({ ...rec, seq: 10_000_006, symbol: '' }),
      `{"seq":10000007, ${JSON.stringify({ ...rec, seq: undefined }).slice(1)}`,
      JSON.stringify({ ...rec, seq: 10_000_008, unknown: { nested: true } }),
      `${JSON.stringify({ ...rec, seq: 10_000_009 })} trailing`,
      JSON.stringify({ ...rec, seq: 5 }), // an early seq late in the file: this file is out of order now
    ];
    writeFileSync(path, `${text}${extra.join('\n')}\n`);
  }
}

describe('fast path and plain path give identical audits', () => {
  const cases = [
    { name: 'sorted JSONL with adversarial lines', format: 'jsonl', shuffle: false, gzip: false, adversarial: true },
    { name: 'sorted JSONL', format: 'jsonl', shuffle: false, gzip: false, adversarial: false },
    { name: 'shuffled CSV', format: 'csv', shuffle: true, gzip: false, adversarial: false },
    { name: 'sorted mixed JSONL/CSV, gzipped', format: 'mixed', shuffle: false, gzip: true, adversarial: false },
  ] as const;
  for (const c of cases) {
    it(`DQ-1 and every check: ${c.name} — same findings, populations and quarantine`, async () => {
      const root = join(work, c.name.replace(/\W+/g, '-'));
      await generateDataset({
        out: root,
        seed: 9,
        orders: 6000,
        violationRate: 0.02,
        format: c.format,
        gzip: c.gzip,
        shuffle: c.shuffle,
        filesPerStream: 2,
      });
      if (c.adversarial) addAdversarialLines(root);
      const fast = await auditPass(root, { parse: 'fast', prescan: true, tmpDir: work });
      const plain = await auditPass(root, { parse: 'plain', prescan: false, tmpDir: work, maxInMemory: 500 });
      // The run's way: the pre-scan folded into the hashing read.
      const folded = await auditPass(root, { parse: 'fast', prescan: 'hash', tmpDir: work });
      // The CLI's way: read, parse and order in a worker thread, records handed over in compact form.
      const worker = await auditPass(root, { parse: 'fast', prescan: 'hash', tmpDir: work, worker: true });
      const workerSpill = await auditPass(root, {
        parse: 'plain',
        prescan: false,
        tmpDir: work,
        maxInMemory: 500,
        worker: true,
      });
      // The CLI's way for a stream out of seq order: its files shared out among two sorting workers.
      const twoWorkers = await auditPass(root, {
        parse: 'fast',
        prescan: false,
        tmpDir: work,
        maxInMemory: 500,
        worker: true,
        workers: 2,
      });
      for (const other of [folded, worker, workerSpill, twoWorkers]) {
        expect(other.records).toEqual(plain.records);
        expect(other.replayed).toBe(plain.replayed);
        expect(other.quarantine).toStrictEqual(plain.quarantine);
        expect(other.populations).toStrictEqual(plain.populations);
        expect(other.findings).toStrictEqual(plain.findings);
      }
      expect(fast.records).toEqual(plain.records);
      expect(fast.replayed).toBe(plain.replayed);
      expect(fast.quarantine).toStrictEqual(plain.quarantine);
      expect(fast.populations).toStrictEqual(plain.populations);
      expect(fast.findings).toStrictEqual(plain.findings);
      // Not vacuous: records were read and replayed, violations found, malformed records set aside.
      expect(fast.replayed).toBeGreaterThan(5000);
      expect(fast.findings.length).toBeGreaterThan(10);
      expect(fast.quarantine.length).toBeGreaterThan(c.adversarial ? 10 : 0);
    }, 120_000);
  }
});
