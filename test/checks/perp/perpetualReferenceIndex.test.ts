/**
 * PERP-2 as V2.md changed it, through a RuleSet of the pack: on a contract-2 dataset a perpetual is a finding only
 * when `retail_spot_approved` is false and `reference_index_iosco` is false, and its evidence says both were missing;
 * on a contract-1 dataset the check is unchanged (judged on `retail_spot_approved` alone, same wording and evidence).
 */
import { describe, expect, it } from 'vitest';
import { RuleSet } from '#shared/audit/ruleSet.js';
import { declarationsOf } from '#shared/checks/pack.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { ContractVersion, Instrument } from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { asContract2 } from '../../collateral/harness.js';
import { makeRef } from '../fs/fixtures.js';

const perp = (symbol: string, retail_spot_approved: boolean, reference_index_iosco?: boolean): Instrument => ({
  symbol,
  product: 'perpetual',
  reference_asset: symbol.split('-')[0]!,
  retail_spot_approved,
  ...(reference_index_iosco === undefined ? {} : { reference_index_iosco }),
});

const INSTRUMENTS: Instrument[] = [
  perp('NONE-PERP', false, false),
  perp('IDX-PERP', false, true),
  perp('SPOT-PERP', true, false),
  perp('BOTH-PERP', true, true),
  perp('UNSET-PERP', false), // the field absent: false (V2.md default)
  { symbol: 'XYZ-USD', product: 'spot', reference_asset: 'XYZ', retail_spot_approved: false },
];

function audit(contract: ContractVersion, instruments = INSTRUMENTS) {
  const ref = contract === 2 ? asContract2(makeRef({ instruments })) : makeRef({ instruments });
  const sink = new FindingCollector();
  new RuleSet({ ref, params: DEFAULT_PARAMETERS, sink }, declarationsOf(['PERP-2'])).finish();
  return { sink, findings: sink.findings().filter((f) => f.check_id === 'PERP-2') };
}

describe('PERP-2 on a contract-2 dataset: a retail-approved reference asset or an IOSCO-compliant index', () => {
  it('a finding only when both are missing (the index flag absent is false)', () => {
    const { findings, sink } = audit(2);
    expect(findings.map((f) => f.subject).sort()).toEqual(['NONE-PERP', 'UNSET-PERP']);
    expect(sink.population('PERP-2')).toEqual({ examined: 5, notTested: {} });
  });

  it('the evidence shows both flags and names what was missing; the detail says it', () => {
    const f = audit(2).findings.find((x) => x.subject === 'NONE-PERP')!;
    expect(f).toMatchObject({ severity: 'high', symbol: 'NONE-PERP' });
    expect(f.evidence).toEqual({
      symbol: 'NONE-PERP',
      product: 'perpetual',
      reference_asset: 'NONE',
      retail_spot_approved: false,
      reference_index_iosco: false,
      missing: ['a reference asset approved for retail spot trading', 'an IOSCO-compliant reference index'],
    });
    expect(f.detail).toBe(
      'Perpetual NONE-PERP references NONE, which is not approved for retail spot trading (retail_spot_approved = false), and does not reference an IOSCO-compliant index instead (reference_index_iosco = false).',
    );
  });
});

describe('PERP-2 on a contract-1 dataset: unchanged', () => {
  it('judged on retail_spot_approved alone, with the version-1 wording and evidence', () => {
    const { findings, sink } = audit(1);
    expect(findings.map((f) => f.subject).sort()).toEqual(['IDX-PERP', 'NONE-PERP', 'UNSET-PERP']);
    expect(sink.population('PERP-2')).toEqual({ examined: 5, notTested: {} });
    const f = findings.find((x) => x.subject === 'IDX-PERP')!;
    expect(f.evidence).toEqual({
      symbol: 'IDX-PERP',
      product: 'perpetual',
      reference_asset: 'IDX',
      retail_spot_approved: false,
    });
    expect(f.detail).toBe(
      'Perpetual IDX-PERP references IDX, which is not approved for retail spot trading (retail_spot_approved = false).',
    );
  });
});
