/**
 * Hand-built reference data and a minimal order-life driver for testing FS/PERP rules through their hooks. The driver
 * only knows what the rules read from the replay: each order's account/symbol as entered, and whether it is closed.
 */

import { type Rule, type RuleContext, ruleContext } from '#shared/checks/rule.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { Located, OrderView } from '#shared/contract/events.js';
import type { AccessEvent, Account, DatasetManifest, Instrument, OrderEvent, Staff } from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { buildReferenceData, type ReferenceData } from '#shared/reference/referenceData.js';

export const MANIFEST: DatasetManifest = {
  contract: 1,
  venue: 'HKVX',
  operator_entity_id: 'E-OP',
  period_start: '2026-02-12T00:00:00Z',
  period_end: '2026-02-13T00:00:00Z',
};

const acct = (
  account_id: string,
  entity_id: string,
  role: Account['role'],
  investor_class: Account['investor_class'] = null,
): Account => ({ account_id, entity_id, role, investor_class, securities_margin_client: false });

export const ACCOUNTS: Account[] = [
  acct('MM-1', 'E-MM', 'affiliated_mm'),
  acct('MM-2', 'E-MM2', 'affiliated_mm'),
  acct('C-R', 'E-CR', 'client', 'retail'),
  acct('C-P', 'E-CP', 'client', 'professional'),
  acct('C-N', 'E-CN', 'client', null),
  acct('TP-1', 'E-TP', 'third_party_mm'),
  acct('PL-1', 'E-OP', 'platform'),
];

const staff = (user_id: string, entity_id: string, fn: Staff['function']): Staff => ({
  user_id,
  entity_id,
  function: fn,
});

export const STAFF: Staff[] = [
  staff('u-mm1', 'E-MM', 'market_making'),
  staff('u-mm2', 'E-MM2', 'market_making'),
  staff('u-mm-risk', 'E-MM', 'risk'),
  staff('u-ops', 'E-OP', 'platform_operations'),
  staff('u-op-eng', 'E-OP', 'engineering'),
  // The third-party market maker's desk: market_making, but not of an MM entity (it owns no affiliated_mm account).
  staff('u-tp', 'E-TP', 'market_making'),
];

const inst = (symbol: string, product: Instrument['product'], retail_spot_approved: boolean): Instrument => ({
  symbol,
  product,
  reference_asset: symbol.split('-')[0] ?? symbol,
  retail_spot_approved,
});

export const INSTRUMENTS: Instrument[] = [
  inst('BTC-USD', 'spot', true),
  inst('BTC-PERP', 'perpetual', true),
  inst('XYZ-USD', 'spot', false),
];

export interface RefOptions {
  accounts?: Account[];
  staff?: Staff[];
  instruments?: Instrument[];
  hasAccessLog?: boolean;
}

export function makeRef(o: RefOptions = {}): ReferenceData {
  return buildReferenceData({
    manifest: MANIFEST,
    accounts: new Map((o.accounts ?? ACCOUNTS).map((a) => [a.account_id, a])),
    staff: new Map((o.staff ?? STAFF).map((s) => [s.user_id, s])),
    wallets: new Map(),
    instruments: new Map((o.instruments ?? INSTRUMENTS).map((i) => [i.symbol, i])),
    hasAccessLog: o.hasAccessLog ?? false,
  });
}

export function makeCtx(ref: ReferenceData = makeRef()): { ctx: RuleContext; sink: FindingCollector } {
  const sink = new FindingCollector();
  return { ctx: ruleContext(ref, DEFAULT_PARAMETERS, sink), sink };
}

let line = 0;

/** An order event; defaults make a resting limit `new` on BTC-USD. */
export function ord(p: Partial<OrderEvent> & Pick<OrderEvent, 'seq' | 'order_id' | 'account_id'>): Located<OrderEvent> {
  const event = p.event ?? 'new';
  const opening = event === 'new' || event === 'snapshot';
  const rec: OrderEvent = {
    ts: `2026-02-12T01:00:00.${String(p.seq).padStart(9, '0')}Z`,
    event,
    symbol: 'BTC-USD',
    side: 'buy',
    type: opening ? 'limit' : null,
    price: opening || event === 'amend' ? '100' : null,
    qty: opening || event === 'amend' ? '1' : null,
    tif: opening ? 'gtc' : null,
    mm_tag: opening || event === 'amend' ? false : null,
    user_id: null,
    session_id: null,
    source_ip: null,
    ...p,
  };
  line += 1;
  return { rec, file: 'orders/orders-1.jsonl', line };
}

export function acc(
  p: Partial<AccessEvent> & Pick<AccessEvent, 'seq' | 'event_id' | 'resource' | 'classification'>,
): Located<AccessEvent> {
  const rec: AccessEvent = {
    ts: `2026-02-12T02:00:00.${String(p.seq).padStart(9, '0')}Z`,
    user_id: null,
    action: 'read',
    granted: true,
    source_ip: null,
    ...p,
  };
  line += 1;
  return { rec, file: 'access/access-1.jsonl', line };
}

/**
 * Drives rules like the pipeline: onReference, order events in the given order with the order as known before each
 * event (new/snapshot open it, cancel/expire/reject close it), then access events, then finish.
 */
export function drive(
  rules: Rule[],
  ref: ReferenceData,
  input: { orders?: Located<OrderEvent>[]; access?: Located<AccessEvent>[] } = {},
): FindingCollector {
  const { ctx, sink } = makeCtx(ref);
  for (const r of rules) r.onReference?.(ctx);
  const known = new Map<string, OrderView>();
  for (const item of input.orders ?? []) {
    const o = item.rec;
    const before = known.get(o.order_id);
    for (const r of rules) r.onOrderEvent?.(item, before === undefined ? undefined : { ...before }, ctx);
    if (before === undefined && (o.event === 'new' || o.event === 'snapshot')) {
      known.set(o.order_id, {
        order_id: o.order_id,
        symbol: o.symbol,
        account_id: o.account_id,
        side: o.side,
        type: o.type ?? 'limit',
        tif: o.tif ?? 'gtc',
        price: o.price ?? null,
        mm_tag: o.mm_tag ?? false,
        closed: false,
      });
    } else if (before !== undefined && !before.closed && ['cancel', 'expire', 'reject'].includes(o.event)) {
      before.closed = true;
    }
  }
  for (const item of input.access ?? []) for (const r of rules) r.onAccess?.(item, ctx);
  for (const r of rules) r.finish?.(ctx);
  return sink;
}

/** The subjects a collector holds for one check, sorted. */
export function subjects(sink: FindingCollector, checkId: string): string[] {
  return sink
    .findings()
    .filter((f) => f.check_id === checkId)
    .map((f) => f.subject);
}

export function only(sink: FindingCollector, checkId: string) {
  const found = sink.findings().filter((f) => f.check_id === checkId);
  if (found.length !== 1) throw new Error(`expected one ${checkId} finding, got ${found.length}`);
  return found[0]!;
}
