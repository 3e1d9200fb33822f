/**
 * A generated dataset with injected violations of every check family, audited into an evidence pack (and, when a
 * store is given, recorded in it as a completed run). Its access log ends with two records the contract rejects: one
 * with control characters inside a JSON string, one with bytes that are not UTF-8, so DQ-1 evidence holds binary.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { Finding } from '#shared/contract/finding.js';
import { LocalFileSigner } from '#shared/evidence/signer.js';
import { generateDataset } from '#shared/generator/index.js';
import { runAudit } from '#shared/pipeline/runAudit.js';
import type { FindingsStore } from '#shared/store/findingsStore.js';

export interface AuditedRun {
  dataset: string;
  pack: string;
  keyFile: string;
  runId: string;
  findings: Finding[];
}

/** The record with control characters (record-level DQ-1) and the one with bytes that are not UTF-8 (file fault). */
export const CONTROL_LINE = Buffer.from('{"seq":1,"ts":"\u0001\u0002 bell \u0007","event_id":"a-ctl"}\n');
export const BINARY_LINE = Buffer.from([0x7b, 0x22, 0x62, 0x69, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]);

export async function auditedRun(
  work: string,
  opts: { store?: FindingsStore; orders?: number } = {},
): Promise<AuditedRun> {
  const dataset = join(work, 'dataset');
  await generateDataset({ out: dataset, seed: 11, orders: opts.orders ?? 6000 });
  await appendFile(join(dataset, 'access', 'part-0001.jsonl'), Buffer.concat([CONTROL_LINE, BINARY_LINE]));
  const pack = join(work, 'pack');
  const keyFile = join(work, 'signing-key.pem');
  const result = await runAudit(
    { input: dataset, parameters: DEFAULT_PARAMETERS, toolVersion: 'test', tmpDir: work },
    {
      s3: () => {
        throw new Error('no S3 here');
      },
      out: openOutputSink(pack),
      signer: new LocalFileSigner({ keyFile }),
      store: opts.store,
      now: () => new Date('2026-02-14T01:00:00.000Z'),
    },
  );
  const findings = (await readFile(join(pack, 'findings.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Finding);
  return { dataset, pack, keyFile, runId: result.runId, findings };
}
