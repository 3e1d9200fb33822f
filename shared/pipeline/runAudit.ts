/**
 * One audit run, in one process (the CLI, and a Lambda for a dataset that fits one): audit the dataset
 * (auditDataset.ts) and write the evidence pack (finalizeRun.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { OutputSink } from '../adapters/s3/outputSink.js';
import type { Signer } from '../evidence/signer.js';
import type { FindingsStore } from '../store/findingsStore.js';
import { auditDataset, type RunAuditOptions } from './auditDataset.js';
import { type FinalizedRun, finalizeRun } from './finalizeRun.js';
import { failingRun } from './openRun.js';
import type { RunProgress } from './progress.js';

export type { RunAuditOptions };

export interface RunAuditDeps {
  s3: () => S3Client;
  out: OutputSink;
  signer: Signer;
  /** Findings store; absent: findings are only written to the pack. */
  store?: FindingsStore;
  /** Wall-clock time for the run record's started/completed stamps (never written into the evidence pack). */
  now?: () => Date;
  progress?: RunProgress;
}

export async function runAudit(opts: RunAuditOptions, deps: RunAuditDeps): Promise<FinalizedRun> {
  const now = deps.now ?? (() => new Date());
  const audited = await auditDataset(opts, { ...deps, now });
  return failingRun(audited, { store: deps.store, now }, () =>
    finalizeRun(
      { ...audited, toolVersion: opts.toolVersion },
      { out: deps.out, signer: deps.signer, store: deps.store, now, progress: deps.progress },
    ),
  );
}
