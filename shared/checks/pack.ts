/**
 * The rule pack: every rule of the audit declared once (cdk-nag's NagPack), with
 * - `checks`: the catalogue ids it reports;
 * - `scope`: 'symbol' when it can be judged on one symbol's order flow alone (a partition of the distributed run
 *   holds whole symbols), 'global' when it needs a whole stream, several streams or must report once;
 * - `consumes`: the inputs whose hooks it implements (the reference data, records of a stream);
 * - `replay`: the stream replay whose state it reads (order book, collateral ledger), so it runs wherever that replay
 *   runs, and `phase`: whether it sees an event before or after that replay applies it;
 * - `since`: the data contract version that brought its checks (V2.md: 2). A rule runs only on datasets of that
 *   contract version or later, so a contract-1 dataset is judged by the contract-1 rules alone.
 * The auditors, the distributed run's split of the work and every check-id list are derived from this list. Adding a
 * check: its rule file, one line here, its catalogue entry, its tests. Adding a stream: its entry in
 * contract/streams.ts, its records' hook (rule.ts HOOK_OF), its replay below if its rules read one.
 */

import { CollateralLedger } from '../collateral/ledger.js';
import type { ContractVersion } from '../contract/records.js';
import { MarginLedger } from '../margin/marginLedger.js';
import type { ReferenceData } from '../reference/referenceData.js';
import { OrderBookReplay } from '../replay/orderBook.js';
import { CustomerPriorityRule } from './cp/customerPriority.js';
import { OrderLifecycleRule } from './dq/orderLifecycle.js';
import { TradeConsistencyRule } from './dq/tradeConsistency.js';
import { UnknownReferencesRule } from './dq/unknownReferences.js';
import { RulePackError } from './errors.js';
import { marketMakerOrderUsersRule } from './fs/marketMakerOrderUsers.js';
import { operatorMarketMakingStaffRule } from './fs/operatorMarketMakingStaff.js';
import { operatorProprietaryTradingRule } from './fs/operatorProprietaryTrading.js';
import { protectedOrderUsersRule } from './fs/protectedOrderUsers.js';
import { restrictedDataAccessRule } from './fs/restrictedDataAccess.js';
import { sharedSourceIpRule } from './fs/sharedSourceIp.js';
import { sharedTradingSessionRule } from './fs/sharedTradingSession.js';
import { CreditLimitIncrease } from './mf/creditLimitIncrease.js';
import { HaircutBelowFloor } from './mf/haircutBelowFloor.js';
import { IneligibleCollateral } from './mf/ineligibleCollateral.js';
import { LateMarginCall } from './mf/lateMarginCall.js';
import { NonMarginClientFinancing } from './mf/nonMarginClientFinancing.js';
import { OverAdvance } from './mf/overAdvance.js';
import { UnpricedCollateral } from './mf/unpricedCollateral.js';
import { NonMarketMakerTaggedRule } from './mmt/nonMarketMakerTagged.js';
import { TagChangedDuringLifeRule } from './mmt/tagChangedDuringLife.js';
import { TradeTagMismatchRule } from './mmt/tradeTagMismatch.js';
import { UntaggedMarketMakerOrderRule } from './mmt/untaggedMarketMakerOrder.js';
import { CustodyShortfall } from './nrh/custodyShortfall.js';
import { EncumberedCollateral } from './nrh/encumberedCollateral.js';
import { EnforceWithoutDefault } from './nrh/enforceWithoutDefault.js';
import { MisdirectedPledgeOrRelease } from './nrh/misdirectedPledgeOrRelease.js';
import { TransferOutOfSegregation } from './nrh/transferOutOfSegregation.js';
import { FundingPayment } from './perp/fundingPayment.js';
import { MarginAssetClass } from './perp/marginAssetClass.js';
import { perpetualReferenceAssetRule } from './perp/perpetualReferenceAsset.js';
import { perpetualRetailAccessRule } from './perp/perpetualRetailAccess.js';
import { PlatformMarginCredit } from './perp/platformMarginCredit.js';
import { PrematureAutoDeleveraging } from './perp/prematureAutoDeleveraging.js';
import { UncoveredDeficit } from './perp/uncoveredDeficit.js';
import type { Consumed, Rule } from './rule.js';
import { RoutedOrderPrefundingRule } from './sob/routedOrderPrefunding.js';
import { RoutedOrderVenueRule } from './sob/routedOrderVenue.js';
import { SharedBookSettlementRule } from './sob/sharedBookSettlement.js';

/** The replays rules can read, by the stream they replay; a new one is a line here and in STREAM_REPLAYS. */
export interface StreamReplays {
  'orders+trades': OrderBookReplay;
  collateral: CollateralLedger;
  margin: MarginLedger;
}
export type ReplayStream = keyof StreamReplays;

export const STREAM_REPLAYS: { [S in ReplayStream]: (ref: ReferenceData) => StreamReplays[S] } = {
  'orders+trades': (ref) => new OrderBookReplay(ref),
  collateral: () => new CollateralLedger(),
  margin: () => new MarginLedger(),
};

export type Scope = 'symbol' | 'global';
export type Phase = 'beforeApply' | 'afterApply';

export interface RuleDeclaration {
  readonly checks: readonly string[];
  readonly scope: Scope;
  readonly consumes: readonly Consumed[];
  readonly replay: ReplayStream | null;
  readonly phase: Phase;
  readonly since: ContractVersion;
  /** A fresh rule (fresh state), bound to its replay among `replays`. */
  create(replays: Partial<StreamReplays>): Rule;
}

function declare<R extends ReplayStream | null = null>(d: {
  checks: readonly string[];
  scope: Scope;
  consumes: readonly Consumed[];
  replay?: R;
  phase?: Phase;
  since?: ContractVersion;
  create: (replay: R extends ReplayStream ? StreamReplays[R] : undefined) => Rule;
}): RuleDeclaration {
  const replay = d.replay ?? null;
  return {
    checks: d.checks,
    scope: d.scope,
    consumes: d.consumes,
    replay,
    phase: d.phase ?? 'beforeApply',
    since: d.since ?? 1,
    create(replays) {
      const bound = replay === null ? undefined : replays[replay];
      if (replay !== null && bound === undefined) {
        throw new RulePackError(`the rule for ${d.checks.join(', ')} reads the ${replay} replay, which is not built`);
      }
      return d.create(bound as R extends ReplayStream ? StreamReplays[R] : undefined);
    },
  };
}

export const RULE_PACK: readonly RuleDeclaration[] = [
  // The order flow a symbol at a time: lifecycle, trade consistency, customer priority, MM tagging.
  declare({ checks: ['DQ-6'], scope: 'symbol', consumes: ['orders'], create: () => new OrderLifecycleRule() }),
  declare({
    checks: ['DQ-3'],
    scope: 'symbol',
    consumes: ['trades'],
    replay: 'orders+trades',
    create: (book) => new TradeConsistencyRule(book),
  }),
  declare({
    checks: ['CP-1', 'CP-2'],
    scope: 'symbol',
    consumes: ['trades'],
    replay: 'orders+trades',
    create: (book) => new CustomerPriorityRule(book),
  }),
  declare({
    checks: ['MMT-1'],
    scope: 'symbol',
    consumes: ['orders'],
    create: () => new UntaggedMarketMakerOrderRule(),
  }),
  declare({ checks: ['MMT-2'], scope: 'symbol', consumes: ['orders'], create: () => new NonMarketMakerTaggedRule() }),
  declare({ checks: ['MMT-3'], scope: 'symbol', consumes: ['orders'], create: () => new TagChangedDuringLifeRule() }),
  declare({ checks: ['MMT-4'], scope: 'symbol', consumes: ['trades'], create: () => new TradeTagMismatchRule() }),
  // Functional separation: per order (FS-1, FS-2), across symbols and the access log (FS-3..6), reference only (FS-7).
  declare({ checks: ['FS-1'], scope: 'symbol', consumes: ['orders'], create: marketMakerOrderUsersRule }),
  declare({ checks: ['FS-2'], scope: 'symbol', consumes: ['orders'], create: protectedOrderUsersRule }),
  declare({ checks: ['FS-3'], scope: 'global', consumes: ['orders'], create: sharedTradingSessionRule }),
  declare({ checks: ['FS-4'], scope: 'global', consumes: ['reference', 'access'], create: restrictedDataAccessRule }),
  declare({ checks: ['FS-5'], scope: 'global', consumes: ['orders', 'access'], create: sharedSourceIpRule }),
  declare({ checks: ['FS-6'], scope: 'global', consumes: ['orders'], create: operatorProprietaryTradingRule }),
  declare({ checks: ['FS-7'], scope: 'global', consumes: ['reference'], create: operatorMarketMakingStaffRule }),
  // Perpetuals: per order (PERP-1), reference only (PERP-2).
  declare({ checks: ['PERP-1'], scope: 'symbol', consumes: ['orders'], create: perpetualRetailAccessRule }),
  declare({ checks: ['PERP-2'], scope: 'global', consumes: ['reference'], create: perpetualReferenceAssetRule }),
  // Shared order books: routed orders a symbol at a time (SOB-1, SOB-2), the settlement legs whole (SOB-3).
  declare({
    checks: ['SOB-1'],
    scope: 'symbol',
    consumes: ['orders'],
    since: 2,
    create: () => new RoutedOrderPrefundingRule(),
  }),
  declare({
    checks: ['SOB-2'],
    scope: 'symbol',
    consumes: ['orders'],
    since: 2,
    create: () => new RoutedOrderVenueRule(),
  }),
  declare({
    checks: ['SOB-3'],
    scope: 'global',
    consumes: ['settlements'],
    since: 2,
    create: () => new SharedBookSettlementRule(),
  }),
  // Unknown reference ids, across every stream that names one.
  declare({
    checks: ['DQ-5'],
    scope: 'global',
    consumes: ['orders', 'trades', 'collateral', 'margin', 'settlements'],
    create: () => new UnknownReferencesRule(),
  }),
  // The collateral ledger: no re-hypothecation, margin financing.
  ...(
    [
      ['NRH-1', 'beforeApply', (l) => new TransferOutOfSegregation(l)],
      ['NRH-2', 'beforeApply', (l) => new EnforceWithoutDefault(l)],
      ['NRH-3', 'beforeApply', (l) => new EncumberedCollateral(l)],
      ['NRH-4', 'beforeApply', (l) => new CustodyShortfall(l)],
      ['NRH-5', 'beforeApply', (l) => new MisdirectedPledgeOrRelease(l)],
      ['MF-1', 'beforeApply', (l) => new IneligibleCollateral(l)],
      ['MF-2', 'beforeApply', (l) => new HaircutBelowFloor(l)],
      ['MF-3', 'afterApply', (l) => new OverAdvance(l)],
      ['MF-4', 'afterApply', (l) => new NonMarginClientFinancing(l)],
      ['MF-5', 'beforeApply', (l) => new CreditLimitIncrease(l)],
      ['MF-6', 'afterApply', (l) => new LateMarginCall(l)],
    ] as const satisfies readonly [string, Phase, (ledger: CollateralLedger) => Rule][]
  ).map(([id, phase, create]) =>
    declare({ checks: [id], scope: 'global', consumes: ['collateral'], replay: 'collateral', phase, create }),
  ),
  // Real-time collateral monitoring (contract 2): each event before the ledger applies it, so "held just before it".
  declare({
    checks: ['MF-7'],
    scope: 'global',
    consumes: ['collateral'],
    replay: 'collateral',
    phase: 'beforeApply',
    since: 2,
    create: (l) => new UnpricedCollateral(l),
  }),
  // The perpetual margin ledger (contract 2): margin classes, no platform credit, the loss waterfall, funding.
  ...(
    [
      ['PERP-3', 'beforeApply', () => new MarginAssetClass()],
      ['PERP-4', 'afterApply', (l) => new PlatformMarginCredit(l)],
      ['PERP-5', 'afterApply', (l) => new UncoveredDeficit(l)],
      ['PERP-6', 'afterApply', (l) => new PrematureAutoDeleveraging(l)],
      ['PERP-7', 'beforeApply', () => new FundingPayment()],
    ] as const satisfies readonly [string, Phase, (ledger: MarginLedger) => Rule][]
  ).map(([id, phase, create]) =>
    declare({ checks: [id], scope: 'global', consumes: ['margin'], replay: 'margin', phase, since: 2, create }),
  ),
];

/** Checks the pipeline reports itself, not a rule: DQ-1 while reading records, DQ-2 and DQ-4 on each sequenced stream. */
export const PIPELINE_CHECKS = { reading: ['DQ-1'], sequence: ['DQ-2', 'DQ-4'] } as const;

/** The declarations a dataset of this contract version runs. */
export function packFor(contract: ContractVersion, pack = RULE_PACK): RuleDeclaration[] {
  return pack.filter((d) => d.since <= contract);
}

/** The check ids of some declarations, in declaration order. */
export function checkIdsOf(declarations: readonly RuleDeclaration[]): string[] {
  return declarations.flatMap((d) => d.checks);
}

/** The declarations that report any of these checks (an unknown id is refused). */
export function declarationsOf(checkIds: readonly string[], pack = RULE_PACK): RuleDeclaration[] {
  const wanted = new Set(checkIds);
  const out = pack.filter((d) => d.checks.some((c) => wanted.has(c)));
  for (const id of wanted) {
    if (!out.some((d) => d.checks.includes(id))) throw new RulePackError(`no rule of the pack reports ${id}`);
  }
  return out;
}

/**
 * How a distributed run shares the pack out: the symbol-scoped rules run in each order-flow partition; the rules that
 * read a global stream's replay run where that stream is replayed; the other global rules run once, over every
 * stream, after the partitions (Aggregate).
 */
export function splitPack(pack = RULE_PACK): {
  symbol: RuleDeclaration[];
  replayed: Map<ReplayStream, RuleDeclaration[]>;
  global: RuleDeclaration[];
} {
  const symbol: RuleDeclaration[] = [];
  const replayed = new Map<ReplayStream, RuleDeclaration[]>();
  const global: RuleDeclaration[] = [];
  for (const d of pack) {
    if (d.scope === 'symbol') symbol.push(d);
    else if (d.replay !== null) {
      const list = replayed.get(d.replay) ?? [];
      list.push(d);
      replayed.set(d.replay, list);
    } else global.push(d);
  }
  return { symbol, replayed, global };
}
