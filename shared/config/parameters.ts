/** Audit parameters (RULES.md "Parameters"): read from a validated config, printed in every report. */
import { z } from 'zod';
import { decimalSchema } from '../contract/records.js';
import { parseDurationNs } from '../contract/time.js';

export const auditParametersSchema = z
  .object({
    haircut_floor: decimalSchema.default('0.60'),
    eligible_va_collateral: z.array(z.string().min(1)).default(['BTC', 'ETH']),
    margin_call_within: z
      .string()
      .refine((d) => parseDurationNs(d) !== undefined, { message: 'not an ISO 8601 duration such as PT1H' })
      .default('PT1H'),
  })
  .strict();

export type AuditParameters = z.infer<typeof auditParametersSchema>;

export const DEFAULT_PARAMETERS: AuditParameters = auditParametersSchema.parse({});

/** margin_call_within in nanoseconds (validated by the schema, so never undefined for parsed parameters). */
export function marginCallWindowNs(p: AuditParameters): bigint {
  return parseDurationNs(p.margin_call_within) ?? 3_600_000_000_000n;
}
