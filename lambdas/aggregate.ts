/** Aggregate step: merges the partitions; sequence checks and cross-symbol checks over the whole dataset. */
import { aggregateRun } from '#shared/pipeline/partition/aggregate.js';
import type { StepState } from '#shared/pipeline/partition/runPlan.js';
import { lambdaHandler } from './runtime.js';

export const aggregate = lambdaHandler('aggregate', (state: StepState, s) => aggregateRun(state, { s3: s.s3 }));

export const handler = aggregate.handler;
