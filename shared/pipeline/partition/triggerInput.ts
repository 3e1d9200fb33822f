/**
 * What started the execution, turned into the dataset to audit. Three triggers (cdk/triggers.ts): an on-demand
 * StartExecution (`vatp-audit run --remote`) naming the dataset; the nightly schedule naming a venue and its scheduled
 * time, which audits the previous calendar day in the schedule's time zone; and a `_READY` marker object, whose
 * folder is the dataset.
 */
import { z } from 'zod';
import { type AuditParameters, auditParametersSchema } from '../../config/parameters.js';
import { StepInputError } from './errors.js';

const onDemand = z.object({
  trigger: z.literal('on-demand'),
  input: z.string().regex(/^s3:\/\/[^/]+/, { message: 'must be an s3:// dataset root' }),
  out: z
    .string()
    .regex(/^s3:\/\/[^/]+/, { message: 'must be an s3:// location' })
    .optional(),
  parameters: auditParametersSchema.optional(),
});
const schedule = z.object({
  trigger: z.literal('schedule'),
  venue: z.string().min(1),
  scheduled_time: z.string().min(1),
  time_zone: z.string().min(1).optional(),
});
const ready = z.object({
  trigger: z.literal('ready-marker'),
  bucket: z.string().min(3),
  key: z.string().min(1),
});
export const triggerSchema = z.discriminatedUnion('trigger', [onDemand, schedule, ready]);
export type TriggerInput = z.infer<typeof triggerSchema>;

export interface DatasetSettings {
  rawBucket: string;
  /** Key layout of a venue's day under the raw bucket, `{venue}` and `{date}` replaced. */
  datasetLayout: string;
  timeZone: string;
}

export interface ResolvedTrigger {
  input: string;
  out?: string;
  parameters?: AuditParameters;
}

export function resolveTrigger(raw: unknown, settings: DatasetSettings): ResolvedTrigger {
  const parsed = triggerSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    throw new StepInputError(`unusable execution input: ${problems}`);
  }
  const t = parsed.data;
  switch (t.trigger) {
    case 'on-demand':
      return {
        input: t.input.endsWith('/') ? t.input : `${t.input}/`,
        ...(t.out !== undefined ? { out: t.out } : {}),
        ...(t.parameters !== undefined ? { parameters: t.parameters } : {}),
      };
    case 'schedule': {
      const date = previousDay(t.scheduled_time, t.time_zone ?? settings.timeZone);
      const prefix = settings.datasetLayout.replaceAll('{venue}', t.venue).replaceAll('{date}', date);
      return { input: `s3://${settings.rawBucket}/${prefix.replace(/^\/+/, '').replace(/\/?$/, '/')}` };
    }
    case 'ready-marker': {
      const slash = t.key.lastIndexOf('/');
      if (slash <= 0) throw new StepInputError(`the ready marker ${t.key} is not inside a dataset folder`);
      return { input: `s3://${t.bucket}/${t.key.slice(0, slash + 1)}` };
    }
  }
}

/** The calendar day before `instant`'s date in `timeZone`, as YYYY-MM-DD. */
export function previousDay(instant: string, timeZone: string): string {
  const when = new Date(instant);
  if (Number.isNaN(when.getTime())) throw new StepInputError(`scheduled time ${JSON.stringify(instant)} is not a date`);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).formatToParts(when);
  } catch (cause) {
    throw new StepInputError(`unknown time zone ${JSON.stringify(timeZone)}`, { cause });
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const day = new Date(Date.UTC(get('year'), get('month') - 1, get('day') - 1));
  return day.toISOString().slice(0, 10);
}

/** Where a pack goes when the request names no `out`: one folder per venue, period start date and run. */
export function defaultPackLocation(evidenceBucket: string, p: { runId: string; venue: string; periodStart: string }) {
  const date = p.periodStart.slice(0, 10);
  return `s3://${evidenceBucket}/packs/venue=${encodeURIComponent(p.venue)}/date=${date}/run=${p.runId}/`;
}
