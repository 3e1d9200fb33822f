/**
 * A rule is a small object in its own file that implements one or more checks of RULES.md (cdk-nag style: id,
 * explanation from the catalogue, Compliance/Noncompliance tests). Rules are pure: no AWS SDK, no fs, no env, no
 * clock. The rule pack (pack.ts) declares each one once; the auditors hand it the events of the streams it consumes,
 * in seq order, through the fail-closed dispatcher (dispatch.ts), and it reports through the AuditSink.
 */
import type { AuditParameters } from '../config/parameters.js';
import type { Located, OrderView } from '../contract/events.js';
import type { AuditSink } from '../contract/finding.js';
import type { AccessEvent, CollateralEvent, OrderEvent, Trade } from '../contract/records.js';
import type { MarginEvent, SettlementEvent } from '../contract/recordsV2.js';
import type { EventRecordType } from '../contract/streams.js';
import { ReferenceLookups } from '../reference/lookups.js';
import type { ReferenceData } from '../reference/referenceData.js';

export interface RuleContext {
  ref: ReferenceData;
  params: AuditParameters;
  sink: AuditSink;
  /** Lookups in `ref` remembered per event, owned by whoever drives the rules (never module state). */
  lookup: ReferenceLookups;
}

/** A context with lookups of its own. */
export function ruleContext(ref: ReferenceData, params: AuditParameters, sink: AuditSink): RuleContext {
  return { ref, params, sink, lookup: new ReferenceLookups(ref) };
}

export interface Rule {
  /** Check ids this rule reports (each must be in the catalogue). */
  readonly checks: readonly string[];
  /** Called once, after reference data are loaded, before any stream. */
  onReference?(ctx: RuleContext): void;
  /** An order event in seq order, before the replay applies it; `before` is the order as known until now. */
  onOrderEvent?(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void;
  /** A trade in seq order, before the replay applies it; maker/taker as known until now. */
  onTrade?(item: Located<Trade>, maker: OrderView | undefined, taker: OrderView | undefined, ctx: RuleContext): void;
  onCollateral?(item: Located<CollateralEvent>, ctx: RuleContext): void;
  onAccess?(item: Located<AccessEvent>, ctx: RuleContext): void;
  /** Contract 2: a margin ledger event, in the margin stream's seq order. */
  onMargin?(item: Located<MarginEvent>, ctx: RuleContext): void;
  /** Contract 2: a settlement leg, in the settlements stream's seq order. */
  onSettlement?(item: Located<SettlementEvent>, ctx: RuleContext): void;
  /** After every stream has ended: report what needed the whole stream (sessions, IPs, look-ahead windows). */
  finish?(ctx: RuleContext): void;
  /**
   * Plain, structured-clone-able state (Map, Set, bigint, arrays, plain objects; no functions, no class instances
   * unless restored by loadState) that, loaded into a freshly constructed rule of the same kind, continues exactly.
   * A stateless rule returns null. The result shares no mutable structure with the rule. A partition that would
   * outlast a Lambda is split by time and the audit state carried over in a checkpoint.
   */
  saveState?(): unknown;
  /** Takes over a state saveState returned (after a structured-clone round trip); called before any later hook. */
  loadState?(state: unknown): void;
}

/** What a rule can consume: the reference data, or the records of a kind (the events of a stream). */
export type Consumed = 'reference' | EventRecordType;

/** The hook each input is handed to. A new stream adds its records' hook to Rule and a line here. */
export const HOOK_OF = {
  reference: 'onReference',
  orders: 'onOrderEvent',
  trades: 'onTrade',
  collateral: 'onCollateral',
  access: 'onAccess',
  margin: 'onMargin',
  settlements: 'onSettlement',
} as const satisfies Record<Consumed, keyof Rule>;

export type HookName = (typeof HOOK_OF)[Consumed] | 'finish';

/** The hooks of the streams judged whole: one record and the context. */
export type RecordHookName = (typeof HOOK_OF)[Exclude<EventRecordType, 'orders' | 'trades'>];
