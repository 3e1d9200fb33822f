/**
 * The contract-2 parameters: validated with the config (ranges), defaulted only where they apply, and absent from a
 * contract-1 run's parameters (so its run_id, summary and evidence manifest do not change).
 */
import { describe, expect, it } from 'vitest';
import {
  auditParametersSchema,
  CONTRACT2_DEFAULTS,
  DEFAULT_PARAMETERS,
  fundingDecimals,
  parametersForContract,
  perpMarginClasses,
  valuationMaxGapNs,
} from '#shared/config/parameters.js';
import { runId } from '#shared/pipeline/ids.js';

const issues = (v: unknown) => {
  const r = auditParametersSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('contract-2 parameters', () => {
  it('parsing an empty config gives exactly the contract-1 parameters (no contract-2 key)', () => {
    expect(DEFAULT_PARAMETERS).toEqual({
      haircut_floor: '0.60',
      eligible_va_collateral: ['BTC', 'ETH'],
      margin_call_within: 'PT1H',
    });
    expect(Object.keys(DEFAULT_PARAMETERS)).toEqual(['haircut_floor', 'eligible_va_collateral', 'margin_call_within']);
  });

  it('defaults: [fiat, hkma_stablecoin, tokenized_deposit], PT15M, 8', () => {
    expect(perpMarginClasses(DEFAULT_PARAMETERS)).toEqual(['fiat', 'hkma_stablecoin', 'tokenized_deposit']);
    expect(valuationMaxGapNs(DEFAULT_PARAMETERS)).toBe(900_000_000_000n);
    expect(fundingDecimals(DEFAULT_PARAMETERS)).toBe(8);
  });

  it('accepts valid values and reads them', () => {
    const p = auditParametersSchema.parse({
      perp_margin_classes: ['fiat', 'security'],
      valuation_max_gap: 'PT0.000000001S',
      funding_decimals: 0,
    });
    expect(perpMarginClasses(p)).toEqual(['fiat', 'security']);
    expect(valuationMaxGapNs(p)).toBe(1n);
    expect(fundingDecimals(p)).toBe(0);
    expect(fundingDecimals(auditParametersSchema.parse({ funding_decimals: 18 }))).toBe(18);
  });

  it('range checks: a non-empty list of known classes named once, a positive duration, an integer 0..18', () => {
    expect(issues({ perp_margin_classes: [] })).toEqual([
      'perp_margin_classes: must name at least one asset class, e.g. ["fiat"]',
    ]);
    expect(issues({ perp_margin_classes: ['fiat', 'fiat'] })).toEqual([
      'perp_margin_classes: names an asset class twice',
    ]);
    expect(issues({ perp_margin_classes: ['cash'] })).toHaveLength(1);
    expect(issues({ perp_margin_classes: 'fiat' })).toHaveLength(1);
    for (const gap of ['PT0S', 'P0D', 'PT0M', '15m', 'PT', '', 'P1Y']) {
      expect(issues({ valuation_max_gap: gap }), gap).toHaveLength(1);
    }
    for (const d of [-1, 19, 8.5, '8', null]) expect(issues({ funding_decimals: d }), String(d)).toHaveLength(1);
    expect(issues({ unknown_parameter: 1 })).toHaveLength(1);
  });

  it('apply to contract 2 only: dropped for contract 1 even when named, defaulted for contract 2', () => {
    const named = auditParametersSchema.parse({ valuation_max_gap: 'PT30M', funding_decimals: 2 });
    expect(parametersForContract(named, 1)).toEqual(DEFAULT_PARAMETERS);
    expect(parametersForContract(DEFAULT_PARAMETERS, 2)).toEqual({
      ...DEFAULT_PARAMETERS,
      perp_margin_classes: [...CONTRACT2_DEFAULTS.perp_margin_classes],
      valuation_max_gap: 'PT15M',
      funding_decimals: 8,
    });
    expect(parametersForContract(named, 2)).toMatchObject({ valuation_max_gap: 'PT30M', funding_decimals: 2 });
    // Same key order however the contract-2 keys were given (the summary prints them in this order).
    expect(Object.keys(parametersForContract(named, 2))).toEqual(
      Object.keys(parametersForContract(DEFAULT_PARAMETERS, 2)),
    );
  });

  it('a contract-1 run_id does not change when the config names contract-2 parameters', () => {
    const inputs = [{ path: 'orders/a.jsonl', sha256: 'ab' }];
    const before = runId({ inputs, parameters: DEFAULT_PARAMETERS, rules_version: 'x' });
    const named = auditParametersSchema.parse({ perp_margin_classes: ['fiat'], valuation_max_gap: 'PT1M' });
    expect(runId({ inputs, parameters: parametersForContract(named, 1), rules_version: 'x' })).toBe(before);
    expect(runId({ inputs, parameters: parametersForContract(named, 2), rules_version: 'x' })).not.toBe(before);
  });
});
