/** Plan step: resolves the trigger to a dataset, validates and hashes it, records the run as started. */
import { planRun, type StepState } from '#shared/pipeline/partition/runPlan.js';
import { defaultPackLocation, resolveTrigger } from '#shared/pipeline/partition/triggerInput.js';
import { lambdaHandler } from './runtime.js';

export const plan = lambdaHandler<unknown, StepState>('plan', (event, s) => {
  const c = s.config;
  const t = resolveTrigger(event, { rawBucket: c.rawBucket, datasetLayout: c.datasetLayout, timeZone: c.timeZone });
  return planRun(
    {
      input: t.input,
      out: t.out,
      parameters: t.parameters ?? c.parameters,
      toolVersion: c.toolVersion,
      workRoot: `s3://${c.workBucket}/runs/`,
      outFor: ({ runId, manifest }) =>
        defaultPackLocation(c.evidenceBucket, { runId, venue: manifest.venue, periodStart: manifest.period_start }),
    },
    { s3: s.s3, store: s.store(), now: s.now, newId: s.newId },
  );
});

export const handler = plan.handler;
