/** AuditPartition step (one Distributed Map item): replay and symbol-local checks of one partition. */
import { auditPartition } from '#shared/pipeline/partition/auditPartition.js';
import type { StepState } from '#shared/pipeline/partition/runPlan.js';
import { lambdaHandler } from './runtime.js';

export const partition = lambdaHandler('partition', (state: StepState & { partition: number }, s) =>
  auditPartition(state, { s3: s.s3 }, { chunkBytes: s.config.chunkBytes }),
);

export const handler = partition.handler;
