/** Store step: the pack's findings and the run's counts into the findings table. */
import { storeRun } from '#shared/pipeline/partition/finish.js';
import type { StepState } from '#shared/pipeline/partition/runPlan.js';
import { lambdaHandler } from './runtime.js';

export const store = lambdaHandler('store', (state: StepState, s) =>
  storeRun(state, { s3: s.s3, store: s.store(), openSink: s.openSink, now: s.now }),
);

export const handler = store.handler;
