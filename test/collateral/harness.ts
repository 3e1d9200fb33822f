/** Test harness for the collateral checks: hand-built reference data, terse events, a FindingCollector sink. */

import { RuleSet } from '#shared/audit/ruleSet.js';
import { StreamAuditor } from '#shared/audit/streamAuditor.js';
import { type RuleDeclaration, splitPack } from '#shared/checks/pack.js';
import { type AuditParameters, DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { AuditSink, FindingDraft } from '#shared/contract/finding.js';
import {
  type Account,
  type CollateralEvent,
  collateralEventSchema,
  type RecordType,
  type Wallet,
} from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { buildReferenceData, type ReferenceData } from '#shared/reference/referenceData.js';

export const WALLETS: Wallet[] = [
  { wallet_id: 'W-C1-FREE', owner_entity_id: 'E-C1', kind: 'client_free' },
  { wallet_id: 'W-C2-FREE', owner_entity_id: 'E-C2', kind: 'client_free' },
  { wallet_id: 'W-COLL-1', owner_entity_id: 'E-OP', kind: 'client_collateral' },
  { wallet_id: 'W-COLL-2', owner_entity_id: 'E-OP', kind: 'client_collateral' },
  { wallet_id: 'W-HOUSE', owner_entity_id: 'E-OP', kind: 'house' },
  { wallet_id: 'W-MM', owner_entity_id: 'E-MM', kind: 'mm' },
  { wallet_id: 'W-EXT', owner_entity_id: 'E-X', kind: 'external' },
];

export const ACCOUNTS: Account[] = [
  {
    account_id: 'C-1',
    entity_id: 'E-C1',
    role: 'client',
    investor_class: 'professional',
    securities_margin_client: true,
  },
  { account_id: 'C-2', entity_id: 'E-C2', role: 'client', investor_class: 'retail', securities_margin_client: false },
  {
    account_id: 'MM-1',
    entity_id: 'E-MM',
    role: 'affiliated_mm',
    investor_class: null,
    securities_margin_client: false,
  },
];

export function reference(wallets: Wallet[] = WALLETS, accounts: Account[] = ACCOUNTS): ReferenceData {
  return buildReferenceData({
    manifest: {
      contract: 1,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    },
    accounts: new Map(accounts.map((a) => [a.account_id, a])),
    staff: new Map(),
    wallets: new Map(wallets.map((w) => [w.wallet_id, w])),
    instruments: new Map(),
    hasAccessLog: false,
  });
}

/** The same reference data as a contract-2 dataset's, holding the given record folders (default: every one). */
export function asContract2(ref: ReferenceData, folders?: readonly RecordType[]): ReferenceData {
  const { manifest, accounts, staff, wallets, instruments, venues, hasAccessLog } = ref;
  return buildReferenceData({
    manifest: { ...manifest, contract: 2 },
    accounts,
    staff,
    wallets,
    instruments,
    venues,
    hasAccessLog,
    folders: folders === undefined ? undefined : new Set(folders),
  });
}

type EventInput = Partial<CollateralEvent> & Pick<CollateralEvent, 'event'>;

/**
 * Builds a sequence of contract-valid events: seq counts from 1, ts defaults to one second apart from 02:00:00Z,
 * event_id defaults to `c-<seq>`. Each event is validated by the contract schema, so tests use real records.
 */
export function events(...inputs: EventInput[]): CollateralEvent[] {
  return inputs.map((input, i) => {
    const seq = input.seq ?? i + 1;
    const base = {
      seq,
      ts: `2026-02-12T02:00:${String(i % 60).padStart(2, '0')}Z`,
      event_id: `c-${seq}`,
    };
    return collateralEventSchema.parse({ ...base, ...input });
  });
}

/** The pack's rules that read the collateral ledger (NRH-1..5, MF-1..7; a RuleSet builds those of its dataset's contract). */
export const COLLATERAL_RULES: readonly RuleDeclaration[] = splitPack().replayed.get('collateral') ?? [];

/** The collateral stream's auditor with those rules, as the pipeline builds it. */
export function collateralAudit(
  ref: ReferenceData,
  params: AuditParameters,
  sink: AuditSink,
): { rules: RuleSet; auditor: StreamAuditor<'collateral'> } {
  const rules = new RuleSet({ ref, params, sink }, COLLATERAL_RULES);
  return { rules, auditor: new StreamAuditor(rules, 'collateral') };
}

export interface Run {
  sink: FindingCollector;
  rules: RuleSet;
  findings: FindingDraft[];
  ids: (checkId: string) => string[];
}

export function run(
  evs: CollateralEvent[],
  opts: { params?: Partial<AuditParameters>; ref?: ReferenceData } = {},
): Run {
  const sink = new FindingCollector();
  const { rules, auditor } = collateralAudit(opts.ref ?? reference(), { ...DEFAULT_PARAMETERS, ...opts.params }, sink);
  evs.forEach((rec, i) => {
    auditor.process({ rec, file: 'collateral/collateral.jsonl', line: i + 1 });
  });
  rules.finish();
  const findings = sink.findings();
  return {
    sink,
    rules,
    findings,
    ids: (checkId) => findings.filter((f) => f.check_id === checkId).map((f) => f.subject),
  };
}

// ---- terse event builders ----------------------------------------------------------------------------------

export const pledge = (o: Partial<CollateralEvent> = {}): EventInput => ({
  event: 'pledge',
  account_id: 'C-1',
  asset: 'BTC',
  asset_class: 'virtual_asset',
  qty: '1',
  from_wallet: 'W-C1-FREE',
  to_wallet: 'W-COLL-1',
  loan_id: 'L-1',
  price: '100000',
  haircut: '0.6',
  ...o,
});

export const draw = (amount: string, o: Partial<CollateralEvent> = {}): EventInput => ({
  event: 'loan_draw',
  account_id: 'C-1',
  loan_id: 'L-1',
  amount,
  ...o,
});

export const repay = (amount: string, o: Partial<CollateralEvent> = {}): EventInput => ({
  event: 'loan_repay',
  account_id: 'C-1',
  loan_id: 'L-1',
  amount,
  ...o,
});

export const release = (qty: string, o: Partial<CollateralEvent> = {}): EventInput => ({
  event: 'release',
  account_id: 'C-1',
  asset: 'BTC',
  qty,
  from_wallet: 'W-COLL-1',
  to_wallet: 'W-C1-FREE',
  loan_id: 'L-1',
  ...o,
});

export const valuation = (price: string, o: Partial<CollateralEvent> = {}): EventInput => ({
  event: 'valuation',
  asset: 'BTC',
  price,
  ...o,
});

export const marginCall = (o: Partial<CollateralEvent> = {}): EventInput => ({
  event: 'margin_call',
  account_id: 'C-1',
  loan_id: 'L-1',
  ...o,
});
