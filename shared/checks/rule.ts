/**
 * A rule is a small object in its own file that implements one or more checks of RULES.md (cdk-nag style: id,
 * explanation from the catalogue, Compliance/Noncompliance tests). Rules are pure: no AWS SDK, no fs, no env, no
 * clock. They are driven by the stream auditors in `seq` order and report through the AuditSink.
 */
import type { AuditParameters } from '../config/parameters.js';
import type { AccessEvent, CollateralEvent, OrderEvent, Trade } from '../contract/records.js';
import type { AuditSink } from '../findings/finding.js';
import type { ReferenceData } from '../reference/referenceData.js';

/** A record with the file (relative to the dataset root, `/`-separated) and line it came from. */
export interface Located<T> {
  rec: T;
  file: string;
  line: number;
}

export type OrderFlowItem = ({ kind: 'order' } & Located<OrderEvent>) | ({ kind: 'trade' } & Located<Trade>);

export interface RuleContext {
  ref: ReferenceData;
  params: AuditParameters;
  sink: AuditSink;
}

/**
 * What the replay knows of an order when an event arrives (the state before that event is applied), so that rules
 * can judge the event against the order's own account and tag history. `undefined` when the order is unknown.
 */
export interface OrderView {
  order_id: string;
  symbol: string;
  account_id: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  tif: 'gtc' | 'day' | 'ioc' | 'fok' | 'post_only';
  /** Canonical limit price, null for market orders. */
  price: string | null;
  mm_tag: boolean;
  /** Closed: cancelled, expired, rejected, filled, or a non-resting order whose life ended. */
  closed: boolean;
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
  /** After every stream has ended: report what needed the whole stream (sessions, IPs, look-ahead windows). */
  finish?(ctx: RuleContext): void;
  /**
   * Plain, structured-clone-able state (Map, Set, bigint, arrays, plain objects; no functions, no class instances
   * unless restored by loadState) that, loaded into a freshly constructed rule of the same kind, continues exactly.
   * A stateless rule returns null. The result shares no mutable structure with the rule. Issue 8: a partition that
   * would outlast a Lambda is split by time and the audit state carried over in a checkpoint.
   */
  saveState?(): unknown;
  /** Takes over a state saveState returned (after a structured-clone round trip); called before any later hook. */
  loadState?(state: unknown): void;
}
