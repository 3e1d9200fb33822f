/** Audit parameters (RULES.md "Parameters"): read from a validated config, printed in every report. */
import { z } from 'zod';
import type { ContractVersion } from '../contract/records.js';
import { decimalSchema } from '../contract/records.js';
import { MARGIN_ASSET_CLASSES, type MarginAssetClass } from '../contract/recordsV2.js';
import { parseDurationNs } from '../contract/time.js';

/** The most decimal places a funding amount may be rounded to: 18 is the smallest unit of common tokens (wei). */
export const MAX_FUNDING_DECIMALS = 18;

export const auditParametersSchema = z
  .object({
    haircut_floor: decimalSchema.default('0.60'),
    eligible_va_collateral: z.array(z.string().min(1)).default(['BTC', 'ETH']),
    margin_call_within: z
      .string()
      .refine((d) => parseDurationNs(d) !== undefined, { message: 'not an ISO 8601 duration such as PT1H' })
      .default('PT1H'),
    // Contract 2 (V2.md). Validated here like the others, but without a schema default: parametersForContract
    // decides whether they apply (and fills their defaults) once the dataset's manifest is known.
    perp_margin_classes: z
      .array(z.enum(MARGIN_ASSET_CLASSES))
      .min(1, { message: 'must name at least one asset class' })
      .refine((l) => new Set(l).size === l.length, { message: 'names an asset class twice' })
      .optional(),
    valuation_max_gap: z
      .string()
      .refine((d) => (parseDurationNs(d) ?? 0n) > 0n, {
        message: 'not a positive ISO 8601 duration such as PT15M',
      })
      .optional(),
    funding_decimals: z.number().int().min(0).max(MAX_FUNDING_DECIMALS).optional(),
  })
  .strict();

export type AuditParameters = z.infer<typeof auditParametersSchema>;

export const DEFAULT_PARAMETERS: AuditParameters = auditParametersSchema.parse({});

/** The contract-2 parameters and their defaults (V2.md "New and changed checks"). */
export const CONTRACT2_DEFAULTS: Readonly<{
  perp_margin_classes: readonly MarginAssetClass[];
  valuation_max_gap: string;
  funding_decimals: number;
}> = {
  perp_margin_classes: ['fiat', 'hkma_stablecoin', 'tokenized_deposit'],
  valuation_max_gap: 'PT15M',
  funding_decimals: 8,
};

/**
 * The parameters in force for a dataset of this contract version: what the run uses, prints (summary, evidence
 * manifest, report) and derives its run_id from. Contract 1: without the contract-2 parameters, even when the config
 * names them, since no contract-1 check reads them: a contract-1 run keeps the very parameters, run_id and evidence
 * pack it had before contract 2 existed. Contract 2: every parameter, the contract-2 ones defaulted when not given.
 */
export function parametersForContract(p: AuditParameters, contract: ContractVersion): AuditParameters {
  const { perp_margin_classes, valuation_max_gap, funding_decimals, ...v1 } = p;
  if (contract === 1) return v1;
  return {
    ...v1,
    perp_margin_classes: [...(perp_margin_classes ?? CONTRACT2_DEFAULTS.perp_margin_classes)],
    valuation_max_gap: valuation_max_gap ?? CONTRACT2_DEFAULTS.valuation_max_gap,
    funding_decimals: funding_decimals ?? CONTRACT2_DEFAULTS.funding_decimals,
  };
}

/** margin_call_within in nanoseconds (validated by the schema, so never undefined for parsed parameters). */
export function marginCallWindowNs(p: AuditParameters): bigint {
  return parseDurationNs(p.margin_call_within) ?? 3_600_000_000_000n;
}

/** perp_margin_classes (PERP-3), its default when not given. */
export function perpMarginClasses(p: AuditParameters): readonly MarginAssetClass[] {
  return p.perp_margin_classes ?? CONTRACT2_DEFAULTS.perp_margin_classes;
}

/** valuation_max_gap (MF-7) in nanoseconds, its default when not given. */
export function valuationMaxGapNs(p: AuditParameters): bigint {
  return parseDurationNs(p.valuation_max_gap ?? CONTRACT2_DEFAULTS.valuation_max_gap) ?? 900_000_000_000n;
}

/** funding_decimals (PERP-7), its default when not given. */
export function fundingDecimals(p: AuditParameters): number {
  return p.funding_decimals ?? CONTRACT2_DEFAULTS.funding_decimals;
}
