/** Report step: the evidence pack (findings, summary, quarantine, report PDF, manifest signed with KMS). */
import { reportRun } from '#shared/pipeline/partition/finish.js';
import type { StepState } from '#shared/pipeline/partition/runPlan.js';
import { lambdaHandler } from './runtime.js';

export const report = lambdaHandler('report', (state: StepState, s) =>
  reportRun(state, { s3: s.s3, signer: s.signer(), openSink: s.openSink, now: s.now }),
);

export const handler = report.handler;
