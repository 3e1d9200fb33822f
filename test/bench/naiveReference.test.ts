/**
 * The bench's naive reference audit answers the same question as the audit: on generated datasets (every format, gzip,
 * shuffled, with injected CP violations and malformed lines), its CP-1/CP-2 findings (trade, severity) are exactly the
 * audit's, so the bench's ratio to it compares like with like.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditPass } from '#shared/bench/auditPass.js';
import { naiveCustomerPriority } from '#shared/bench/naiveReference.js';
import { generateDataset } from '#shared/generator/index.js';

const work = mkdtempSync(join(tmpdir(), 'vatp-naive-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const key = (f: { check_id: string; subject: string; severity: string }) => `${f.check_id} ${f.subject} ${f.severity}`;

describe('naive reference audit', () => {
  it.each([
    { name: 'jsonl-sorted', format: 'jsonl' as const, gzip: false, shuffle: false },
    { name: 'mixed-gzip-shuffled', format: 'mixed' as const, gzip: true, shuffle: true },
  ])(
    'finds exactly the audit’s CP findings ($name)',
    async ({ name, format, gzip, shuffle }) => {
      const root = join(work, name);
      await generateDataset({
        out: root,
        seed: 7,
        orders: 20_000,
        violationRate: 0.01,
        format,
        gzip,
        shuffle,
        filesPerStream: 3,
      });
      const audit = await auditPass(root, { parse: 'fast', prescan: 'hash', tmpDir: work });
      const naive = await naiveCustomerPriority(root);
      const expected = audit.findings.filter((f) => f.check_id === 'CP-1' || f.check_id === 'CP-2').map(key);
      expect(new Set(expected).size).toBe(expected.length);
      expect(naive.findings.map(key).sort()).toEqual(expected.sort());
      expect(new Set(expected.map((k) => k.split(' ')[0]))).toEqual(new Set(['CP-1', 'CP-2']));
      expect(expected.some((k) => k.startsWith('CP-1') && k.endsWith('high'))).toBe(true);
      // The malformed lines the audit sets aside are set aside by the naive reading too.
      expect(naive.records).toBe(audit.records.orderFlow);
      const dq1 = audit.quarantine.filter((q) => /^(orders|trades)\//.test(q.file)).length;
      expect(naive.rejected).toBe(dq1);
    },
    120_000,
  );
});
