/**
 * AuditPartition step (one Distributed Map item): replay and symbol-local checks of one partition, split by time when
 * it would outlast the invocation (a checkpoint in the work area; the state machine calls the step again).
 */
import { auditPartition, type PartitionState } from '#shared/pipeline/partition/auditPartition.js';
import { lambdaHandler } from './runtime.js';

export const partition = lambdaHandler('partition', (state: PartitionState, s, invocation) =>
  auditPartition(
    state,
    { s3: s.s3 },
    {
      chunkBytes: s.config.chunkBytes,
      limits: {
        remainingMs: invocation.remainingMs,
        reserveMs: s.config.sliceReserveSeconds * 1000,
        maxItems: s.config.sliceMaxItems,
      },
    },
  ),
);

export const handler = partition.handler;
