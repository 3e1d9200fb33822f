/** Ingest step: orders and trades read once in seq order, partitioned by linked symbols. */
import { ingestOrderFlow } from '#shared/pipeline/partition/ingest.js';
import type { StepState } from '#shared/pipeline/partition/runPlan.js';
import { lambdaHandler } from './runtime.js';

export const ingest = lambdaHandler('ingest', (state: StepState, s) =>
  ingestOrderFlow(
    state,
    { s3: s.s3 },
    { tmpDir: s.config.tmpDir, sortMemoryRecords: s.config.sortMemoryRecords, chunkBytes: s.config.chunkBytes },
  ),
);

export const handler = ingest.handler;
