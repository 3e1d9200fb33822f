/**
 * Test harness for the perpetual margin checks (PERP-3..7): a contract-2 reference, terse margin events (each through
 * the contract-2 schema), and the margin stream's auditor with the pack's margin rules, as the pipeline builds it.
 */
import { RuleSet } from '#shared/audit/ruleSet.js';
import { StreamAuditor } from '#shared/audit/streamAuditor.js';
import { type RuleDeclaration, splitPack } from '#shared/checks/pack.js';
import { type AuditParameters, DEFAULT_PARAMETERS, parametersForContract } from '#shared/config/parameters.js';
import type { FindingDraft } from '#shared/contract/finding.js';
import type { Account, ContractVersion, RecordType } from '#shared/contract/records.js';
import { type MarginEvent, marginEventSchema } from '#shared/contract/recordsV2.js';
import { FindingCollector, type Population } from '#shared/findings/collector.js';
import { buildReferenceData, type ReferenceData } from '#shared/reference/referenceData.js';

import { FUNDING } from '../../margin/helpers.js';

export { events, type MarginInput } from '../../margin/helpers.js';

/** The pack's rules that read the margin ledger (PERP-3..7). */
export const MARGIN_RULES: readonly RuleDeclaration[] = splitPack().replayed.get('margin') ?? [];

const client = (account_id: string): Account => ({
  account_id,
  entity_id: `E-${account_id}`,
  role: 'client',
  investor_class: 'professional',
  securities_margin_client: false,
});

/** Accounts A, B, L (liquidated) and W (a winner that gets deleveraged); X-9 and anything else are unknown. */
export function marginReference(
  opts: { contract?: ContractVersion; folders?: readonly RecordType[] } = {},
): ReferenceData {
  return buildReferenceData({
    manifest: {
      contract: opts.contract ?? 2,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    },
    accounts: new Map(['A', 'B', 'L', 'W'].map((id) => [id, client(id)])),
    staff: new Map(),
    wallets: new Map(),
    instruments: new Map([
      [
        'BTC-PERP',
        {
          symbol: 'BTC-PERP',
          product: 'perpetual',
          reference_asset: 'BTC',
          retail_spot_approved: true,
          reference_index_iosco: false,
        },
      ],
    ]),
    hasAccessLog: false,
    folders: opts.folders === undefined ? undefined : new Set(opts.folders),
  });
}

export interface MarginRun {
  sink: FindingCollector;
  findings: FindingDraft[];
  /** The findings of one check, in findings order. */
  of(checkId: string): FindingDraft[];
  /** Subjects of a check's findings, in findings order. */
  ids(checkId: string): string[];
  /** The one finding of a check (fails otherwise). */
  only(checkId: string): FindingDraft;
  population(checkId: string): Population;
}

/** Feeds the events, in the order given, through the margin stream's auditor, then finishes the rules. */
export function runMargin(
  evs: readonly MarginEvent[],
  opts: { params?: Partial<AuditParameters>; ref?: ReferenceData } = {},
): MarginRun {
  const sink = new FindingCollector();
  const ref = opts.ref ?? marginReference();
  const params = parametersForContract({ ...DEFAULT_PARAMETERS, ...opts.params }, ref.manifest.contract);
  const rules = new RuleSet({ ref, params, sink }, MARGIN_RULES);
  const auditor = new StreamAuditor(rules, 'margin');
  evs.forEach((rec, i) => {
    auditor.process({ rec, file: 'margin/margin.jsonl', line: i + 1 });
  });
  rules.finish();
  const findings = sink.findings();
  const of = (checkId: string) => findings.filter((f) => f.check_id === checkId);
  return {
    sink,
    findings,
    of,
    ids: (checkId) => of(checkId).map((f) => f.subject),
    only(checkId) {
      const [f, ...rest] = of(checkId);
      if (f === undefined || rest.length > 0) throw new Error(`${of(checkId).length} ${checkId} findings, not 1`);
      return f;
    },
    population: (checkId) => sink.population(checkId),
  };
}

// ---- terse event inputs ------------------------------------------------------------------------------------
export const INTERVAL = FUNDING.interval_start;

export const deposit = (account_id: string, amount: string, o: Partial<MarginEvent> = {}) =>
  ({ event: 'deposit', account_id, asset: 'HKD', asset_class: 'fiat', amount, ...o }) as const;
export const withdraw = (account_id: string, amount: string) => ({ event: 'withdraw', account_id, amount }) as const;
export const fee = (account_id: string, amount: string) => ({ event: 'fee', account_id, amount }) as const;
export const credit = (account_id: string, amount: string) => ({ event: 'credit', account_id, amount }) as const;
export const pnl = (account_id: string, amount: string) =>
  ({ event: 'pnl', account_id, symbol: 'BTC-PERP', amount }) as const;
export const liquidation = (account_id: string, amount: string) =>
  ({ event: 'liquidation', account_id, symbol: 'BTC-PERP', position_qty: '1', mark_price: '100', amount }) as const;
export const contribution = (amount: string) => ({ event: 'insurance', amount }) as const;
export const payout = (account_id: string, amount: string, ref: string) =>
  ({ event: 'insurance', account_id, amount: `-${amount}`, ref }) as const;
export const adl = (account_id: string, amount: string, ref: string) =>
  ({ event: 'adl', account_id, symbol: 'BTC-PERP', position_qty: '-1', mark_price: '100', amount, ref }) as const;
export const fundingRate = (rate: string, o: Partial<MarginEvent> = {}) =>
  ({ event: 'funding_rate', symbol: 'BTC-PERP', interval_start: INTERVAL, rate, ...o }) as const;
export const funding = (o: Partial<MarginEvent> = {}) => ({ ...FUNDING, ...o }) as const;

/** One event at an explicit seq (for repeated seqs): event_id m-<seq> unless given. */
export function at(seq: number, e: Partial<MarginEvent> & Pick<MarginEvent, 'event'>): MarginEvent {
  return marginEventSchema.parse({ seq, ts: '2026-02-12T09:00:00Z', event_id: `m-${seq}`, ...e });
}
