/**
 * Contract-2 fixtures for the shared-order-book checks: reference data with venues (and a choice of the folders
 * present), terse settlement legs, and a runner that audits an order flow, margin events and settlement legs through
 * one rule set as the single-process run does (order flow first, then margin, then settlements, then finish).
 */
import { OrderFlowAuditor, type OrderFlowQuarantine } from '#shared/audit/orderFlowAuditor.js';
import { RuleSet } from '#shared/audit/ruleSet.js';
import { StreamAuditor } from '#shared/audit/streamAuditor.js';
import { declarationsOf } from '#shared/checks/pack.js';
import { DEFAULT_PARAMETERS, parametersForContract } from '#shared/config/parameters.js';
import type { FindingDraft } from '#shared/contract/finding.js';
import { type RecordType, recordTypesOf } from '#shared/contract/records.js';
import {
  type MarginEvent,
  type SettlementEvent,
  settlementEventSchema,
  type Venue,
} from '#shared/contract/recordsV2.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { buildReferenceData, type ReferenceData } from '#shared/reference/referenceData.js';
import { DEFAULT_ACCOUNTS, type Flow, ORDER_FLOW_CHECKS, refData } from '../../audit/flow.js';

export const VENUES: readonly Venue[] = [
  { venue_id: 'SG-OK', jurisdiction: 'SG', fatf_member: true, shared_book_approved: true },
  { venue_id: 'GB-UNAPPROVED', jurisdiction: 'GB', fatf_member: true, shared_book_approved: false },
  { venue_id: 'XX-NON-FATF', jurisdiction: 'XX', fatf_member: false, shared_book_approved: true },
  { venue_id: 'YY-NEITHER', jurisdiction: 'YY', fatf_member: false, shared_book_approved: false },
];

/**
 * Contract-2 reference data: the order-flow tests' accounts and BTC-USD, a perpetual BTC-PERP, the venues given, and
 * every folder of contract 2 present except those listed in `absent`.
 */
export function refData2(opts: { venues?: readonly Venue[]; absent?: readonly RecordType[] } = {}): ReferenceData {
  const base = refData(DEFAULT_ACCOUNTS);
  const absent = new Set(opts.absent ?? []);
  const instruments = new Map(base.instruments);
  instruments.set('BTC-PERP', {
    symbol: 'BTC-PERP',
    product: 'perpetual',
    reference_asset: 'BTC',
    retail_spot_approved: true,
  });
  return buildReferenceData({
    manifest: { ...base.manifest, contract: 2 },
    accounts: base.accounts,
    staff: base.staff,
    wallets: base.wallets,
    instruments,
    hasAccessLog: false,
    venues: new Map((opts.venues ?? VENUES).map((v) => [v.venue_id, v])),
    folders: new Set(recordTypesOf(2).filter((t) => !absent.has(t))),
  });
}

export type LegSpec = Partial<SettlementEvent> & Pick<SettlementEvent, 'exec_id' | 'order_id'>;

/** A settlements stream: contract-valid legs numbered seq 1, 2, … (event_id s-1, s-2, …) in the order given. */
export function legs(...specs: LegSpec[]): SettlementEvent[] {
  return specs.map((e, i) =>
    settlementEventSchema.parse({
      seq: i + 1,
      ts: '2026-02-12T05:00:00Z',
      event_id: `s-${i + 1}`,
      leg: 'asset',
      qty: '1',
      mechanism: 'dvp',
      batch_id: 'b-1',
      ...e,
    }),
  );
}

export interface Run2 {
  collector: FindingCollector;
  quarantined: OrderFlowQuarantine[];
  findings: FindingDraft[];
  auditor: OrderFlowAuditor;
  of(checkId: string): FindingDraft[];
  get(checkId: string, subject: string): FindingDraft | undefined;
}

/** The order-flow checks and the shared-order-book checks (DQ-5 among them). */
export const SOB_CHECKS = [...ORDER_FLOW_CHECKS, 'SOB-1', 'SOB-2', 'SOB-3', 'DQ-5'];

/** Audits the streams through the rules of `checks`, in the single-process order. */
export function audit2(
  input: { flow?: Flow; margin?: readonly MarginEvent[]; settlements?: readonly SettlementEvent[] },
  ref: ReferenceData = refData2(),
  checks: readonly string[] = SOB_CHECKS,
): Run2 {
  const collector = new FindingCollector();
  const quarantined: OrderFlowQuarantine[] = [];
  const rules = new RuleSet(
    { ref, params: parametersForContract(DEFAULT_PARAMETERS, 2), sink: collector },
    declarationsOf(checks),
    { replays: ['orders+trades'] },
  );
  const auditor = new OrderFlowAuditor(rules, (q) => quarantined.push(q));
  for (const item of input.flow?.items ?? []) auditor.process(item);
  const margin = new StreamAuditor(rules, 'margin');
  (input.margin ?? []).forEach((rec, i) => {
    margin.process({ rec, file: 'margin/m.jsonl', line: i + 1 });
  });
  const settlements = new StreamAuditor(rules, 'settlements');
  (input.settlements ?? []).forEach((rec, i) => {
    settlements.process({ rec, file: 'settlements/s.jsonl', line: i + 1 });
  });
  rules.finish();
  const findings = collector.findings();
  return {
    collector,
    quarantined,
    findings,
    auditor,
    of: (id) => findings.filter((f) => f.check_id === id),
    get: (id, subject) => findings.find((f) => f.check_id === id && f.subject === subject),
  };
}
