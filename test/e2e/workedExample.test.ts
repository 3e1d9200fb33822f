/**
 * The worked example (test/fixtures/worked-example) through the whole pipeline: exactly the expected findings,
 * a complete evidence pack that verifies, and byte-identical output on a rerun, wherever the dataset lies.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { LocalFileSigner } from '#shared/evidence/signer.js';
import { verifyEvidencePack } from '#shared/evidence/verify.js';
import { runAudit } from '#shared/pipeline/runAudit.js';
import { WORKED_EXAMPLE } from '../fixtures/workedExample.js';

const EXAMPLE = WORKED_EXAMPLE;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function audit(outName: string, input = EXAMPLE) {
  const out = join(work, outName);
  const result = await runAudit(
    { input, parameters: DEFAULT_PARAMETERS, toolVersion: 'test', tmpDir: work },
    {
      s3: () => {
        throw new Error('no S3 in this test');
      },
      out: openOutputSink(out),
      signer: new LocalFileSigner({ keyFile: join(work, 'key.pem') }),
    },
  );
  return { out, result };
}

describe('worked example (test/fixtures/worked-example)', () => {
  it('produces exactly the expected findings', async () => {
    const { out } = await audit('pack-1');
    const expected = (await readFile(join(EXAMPLE, 'expected-findings.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const actual = (await readFile(join(out, 'findings.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((f) => ({ check_id: f.check_id, subject: f.subject, severity: f.severity }));
    expect(actual).toEqual(expected);
  });

  it('states FS-4 as not tested without an access folder, and reconciles every record', async () => {
    const { result } = await audit('pack-2');
    const fs4 = result.summary.checks.find((c) => c.check_id === 'FS-4')!;
    expect(fs4.status).toBe('not tested');
    expect(result.summary.reconciliation.balanced).toBe(true);
    expect(result.summary.reconciliation.quarantined).toBe(0);
    expect(result.summary.access_log_present).toBe(false);
  });

  it('writes a pack that verifies, with byte-identical files on a rerun of a copy of the dataset elsewhere', async () => {
    const copy = join(work, 'elsewhere', 'the same dataset');
    await cp(EXAMPLE, copy, { recursive: true });
    const a = await audit('pack-a');
    const b = await audit('pack-b', copy);
    expect(a.result.runId).toBe(b.result.runId);
    for (const name of [
      'findings.jsonl',
      'summary.json',
      'quarantine.jsonl',
      'report.pdf',
      'manifest.json',
      'manifest.sig',
    ]) {
      const x = await readFile(join(a.out, name));
      const y = await readFile(join(b.out, name));
      expect(x.equals(y), name).toBe(true);
    }
    const sink = openOutputSink(a.out);
    const verdict = await verifyEvidencePack({ read: (n) => sink.read(n), list: () => sink.list() }, {});
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
  });
});
