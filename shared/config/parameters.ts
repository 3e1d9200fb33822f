/**
 * Audit parameters (RULES.md "Parameters"): read from a validated config, printed in every report. Parsed once, with
 * this schema, wherever they come from (`--config`, an execution's input, the Lambdas' environment).
 *
 * Each parameter is built from one of the value kinds below, whose messages name the field and say what to write
 * instead ("haircut_floor must be a decimal string, e.g. "0.6" (JSON numbers lose precision)"); a new parameter is one
 * more line in the object.
 */
import { z } from 'zod';
import { compareDecimal, isDecimal } from '../contract/decimal.js';
import type { ContractVersion } from '../contract/records.js';
import { idSchema } from '../contract/records.js';
import { MARGIN_ASSET_CLASSES, type MarginAssetClass } from '../contract/recordsV2.js';
import { parseDurationNs } from '../contract/time.js';

/** What a JSON value is, in words. */
function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `the ${typeof v} ${String(v)}`;
}

/**
 * A decimal kept as a string (exact), within [min, max] by value. A JSON number is refused with the string to write
 * instead: a binary float cannot hold most decimals exactly, and the value is compared by its digits.
 */
export function decimalParameter(range: { min: string; max: string }, example: string) {
  return z
    .string({
      error: (iss) =>
        typeof iss.input === 'number'
          ? `must be a decimal string, e.g. "${String(iss.input)}" (JSON numbers lose precision)`
          : `must be a decimal string such as "${example}", not ${kindOf(iss.input)}`,
    })
    .refine(isDecimal, {
      abort: true,
      error: (iss) => `must be a decimal string such as "${example}", not ${kindOf(iss.input)}`,
    })
    .refine((v) => compareDecimal(v, range.min) >= 0 && compareDecimal(v, range.max) <= 0, {
      error: (iss) => `must be from ${range.min} to ${range.max}, not ${String(iss.input)}`,
    });
}

/** A positive ISO 8601 duration in days, hours, minutes and seconds (PT1H, P1DT12H, PT0.5S). */
export function durationParameter() {
  return z
    .string({ error: (iss) => `must be an ISO 8601 duration string such as "PT1H", not ${kindOf(iss.input)}` })
    .refine((d) => parseDurationNs(d) !== undefined, {
      abort: true,
      error: (iss) => `must be an ISO 8601 duration such as "PT1H" or "P1DT12H", not ${JSON.stringify(iss.input)}`,
    })
    .refine((d) => (parseDurationNs(d) ?? 0n) > 0n, { error: (iss) => `must be longer than zero, not ${iss.input}` });
}

/** A non-empty list of contract ids (assets, classes). */
export function idListParameter(example: string) {
  const id = z
    .string({ error: (iss) => `must be an id string, not ${kindOf(iss.input)}` })
    .refine((s) => idSchema.safeParse(s).success, {
      error: (iss) => `must be an id of 1 to 128 characters, not ${kindOf(iss.input)}`,
    });
  return z
    .array(id, { error: (iss) => `must be a list of ids such as ${example}, not ${kindOf(iss.input)}` })
    .min(1, { error: `must name at least one id, e.g. ${example}` });
}

/** The most decimal places a funding amount may be rounded to: 18 is the smallest unit of common tokens (wei). */
export const MAX_FUNDING_DECIMALS = 18;

/** A non-empty list of distinct perpetual-margin asset classes (V2.md `asset_class` of a margin deposit). */
function marginClassListParameter() {
  const cls = z.enum(MARGIN_ASSET_CLASSES, {
    error: (iss) => `must be one of ${MARGIN_ASSET_CLASSES.join(', ')}, not ${kindOf(iss.input)}`,
  });
  return z
    .array(cls, { error: (iss) => `must be a list of asset classes such as ["fiat"], not ${kindOf(iss.input)}` })
    .min(1, { error: 'must name at least one asset class, e.g. ["fiat"]' })
    .refine((l) => new Set(l).size === l.length, { error: 'names an asset class twice' });
}

/** A whole number of decimal places, 0 to MAX_FUNDING_DECIMALS. */
function decimalPlacesParameter() {
  return z
    .number({ error: (iss) => `must be a whole number from 0 to ${MAX_FUNDING_DECIMALS}, not ${kindOf(iss.input)}` })
    .int({ error: (iss) => `must be a whole number from 0 to ${MAX_FUNDING_DECIMALS}, not ${String(iss.input)}` })
    .min(0, { error: (iss) => `must be a whole number from 0 to ${MAX_FUNDING_DECIMALS}, not ${String(iss.input)}` })
    .max(MAX_FUNDING_DECIMALS, {
      error: (iss) => `must be a whole number from 0 to ${MAX_FUNDING_DECIMALS}, not ${String(iss.input)}`,
    });
}

export const auditParametersSchema = z
  .object({
    haircut_floor: decimalParameter({ min: '0', max: '1' }, '0.6').default('0.60'),
    eligible_va_collateral: idListParameter('["BTC", "ETH"]').default(['BTC', 'ETH']),
    margin_call_within: durationParameter().default('PT1H'),
    // Contract 2 (V2.md). Validated here like the others, but without a schema default: parametersForContract
    // decides whether they apply (and fills their defaults) once the dataset's manifest is known.
    perp_margin_classes: marginClassListParameter().optional(),
    valuation_max_gap: durationParameter().optional(),
    funding_decimals: decimalPlacesParameter().optional(),
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

/** The issues of a failed parse as one line: "haircut_floor must be …; margin_call_within must be …". */
export function describeParameterIssues(error: z.ZodError): string {
  const known = Object.keys(auditParametersSchema.shape).join(', ');
  return error.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') {
        const keys = i.keys.map((k) => JSON.stringify(k)).join(', ');
        return `unknown parameter${i.keys.length === 1 ? '' : 's'} ${keys} (known: ${known})`;
      }
      if (i.path.length === 0) return `the parameters must be a JSON object such as {"haircut_floor": "0.60"}`;
      const [field, ...rest] = i.path;
      return `${String(field)}${rest.map((k) => `[${String(k)}]`).join('')} ${i.message}`;
    })
    .join('; ');
}
