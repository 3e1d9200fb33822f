/** RecordFailure step: a caught failure marks the run failed in the findings store before the execution fails. */
import { type CaughtError, recordFailure } from '#shared/pipeline/partition/finish.js';
import type { RunRef } from '#shared/pipeline/partition/runPlan.js';
import { lambdaHandler } from './runtime.js';

export const failure = lambdaHandler('recordFailure', (state: { run?: RunRef; error?: CaughtError }, s) =>
  recordFailure(state, { store: s.store(), now: s.now }),
);

export const handler = failure.handler;
