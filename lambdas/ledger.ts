/** Ledger step: collateral replay (NRH, MF, collateral DQ-2/DQ-4) and the ordered access log. */
import { auditLedger } from '#shared/pipeline/partition/ledger.js';
import type { StepState } from '#shared/pipeline/partition/runPlan.js';
import { lambdaHandler } from './runtime.js';

export const ledger = lambdaHandler('ledger', (state: StepState, s) =>
  auditLedger(
    state,
    { s3: s.s3 },
    { tmpDir: s.config.tmpDir, sortMemoryRecords: s.config.sortMemoryRecords, chunkBytes: s.config.chunkBytes },
  ),
);

export const handler = ledger.handler;
