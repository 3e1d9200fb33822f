/**
 * Test fixtures for the order-flow auditor: hand-built reference data and a small builder of order/trade records
 * (validated through the contract schemas, seq assigned in order), plus a runner that collects findings.
 */
import { OrderFlowAuditor, type OrderFlowQuarantine } from '#shared/audit/orderFlowAuditor.js';
import { RuleSet } from '#shared/audit/ruleSet.js';
import { declarationsOf } from '#shared/checks/pack.js';
import type { Rule } from '#shared/checks/rule.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { OrderFlowItem } from '#shared/contract/events.js';
import type { FindingDraft } from '#shared/contract/finding.js';
import {
  type Account,
  type ContractVersion,
  type OrderEvent,
  orderEventSchema,
  type Trade,
  tradeSchema,
} from '#shared/contract/records.js';
import { orderEventSchemaV2 } from '#shared/contract/recordsV2.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { buildReferenceData, type ReferenceData } from '#shared/reference/referenceData.js';

export type AccountSpec = [account_id: string, entity_id: string, role: Account['role']];

/** Default accounts: two MM accounts of one entity, clients (C-1 and C-3 share an entity), a third-party MM, platform. */
export const DEFAULT_ACCOUNTS: AccountSpec[] = [
  ['MM-1', 'E-MM', 'affiliated_mm'],
  ['MM-2', 'E-MM', 'affiliated_mm'],
  ['C-1', 'E-C1', 'client'],
  ['C-2', 'E-C2', 'client'],
  ['C-3', 'E-C1', 'client'],
  ['TP-1', 'E-TP', 'third_party_mm'],
  ['P-1', 'E-OP', 'platform'],
];

export function refData(accounts: AccountSpec[] = DEFAULT_ACCOUNTS): ReferenceData {
  return buildReferenceData({
    manifest: {
      contract: 1,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    },
    accounts: new Map(
      accounts.map(([account_id, entity_id, role]) => [
        account_id,
        { account_id, entity_id, role, investor_class: null, securities_margin_client: false },
      ]),
    ),
    staff: new Map(),
    wallets: new Map(),
    instruments: new Map([
      ['BTC-USD', { symbol: 'BTC-USD', product: 'spot', reference_asset: 'BTC', retail_spot_approved: true }],
    ]),
    hasAccessLog: false,
  });
}

export interface NewSpec {
  id: string;
  acct: string;
  side: 'buy' | 'sell';
  price?: string | null;
  qty: string;
  tif?: OrderEvent['tif'];
  type?: 'limit' | 'market';
  display?: string | null;
  mm_tag?: boolean;
  symbol?: string;
  /** Contract 2 (a Flow of contract 2 only): the venue the order is routed to, and what is pre-funded. */
  route?: string | null;
  prefunded?: string | null;
}

export interface AmendSpec {
  qty: string;
  price?: string | null;
  display?: string | null;
  mm_tag?: boolean;
  acct?: string;
  side?: 'buy' | 'sell';
  /** Contract 2 (a Flow of contract 2 only). */
  route?: string | null;
  prefunded?: string | null;
}

export interface TradeSpec {
  id: string;
  maker: string;
  taker: string;
  price: string;
  qty: string;
  phase?: 'continuous' | 'auction';
  maker_mm_tag?: boolean;
  taker_mm_tag?: boolean;
  symbol?: string;
}

const ts = (seq: number) => `2026-02-12T01:00:00.${String(seq).padStart(6, '0')}Z`;

/**
 * Builds records in seq order. Tags default to what the builder knows of each order (MM accounts tagged). A Flow of
 * contract 2 validates order events with the contract-2 schema (route, prefunded).
 */
export class Flow {
  readonly items: OrderFlowItem[] = [];
  seq = 0;
  readonly contract: ContractVersion;
  readonly #orders = new Map<string, { acct: string; side: 'buy' | 'sell'; symbol: string; mm_tag: boolean }>();

  constructor(contract: ContractVersion = 1) {
    this.contract = contract;
  }

  #order(rec: Record<string, unknown>): OrderEvent {
    const parsed = (this.contract === 1 ? orderEventSchema : orderEventSchemaV2).parse(rec) as OrderEvent;
    this.items.push({ kind: 'order', rec: parsed, file: 'orders/o.jsonl', line: this.items.length + 1 });
    return parsed;
  }

  #enter(event: 'new' | 'snapshot', s: NewSpec): OrderEvent {
    const seq = ++this.seq;
    const type = s.type ?? 'limit';
    const mm_tag = s.mm_tag ?? s.acct.startsWith('MM');
    const symbol = s.symbol ?? 'BTC-USD';
    this.#orders.set(s.id, { acct: s.acct, side: s.side, symbol, mm_tag });
    return this.#order({
      seq,
      ts: ts(seq),
      event,
      order_id: s.id,
      symbol,
      account_id: s.acct,
      side: s.side,
      type,
      price: s.price === undefined ? (type === 'limit' ? '100' : null) : s.price,
      qty: s.qty,
      display_qty: s.display ?? null,
      tif: s.tif ?? 'gtc',
      mm_tag,
      user_id: null,
      session_id: null,
      source_ip: null,
      ...contract2(s),
    });
  }

  new(s: NewSpec): OrderEvent {
    return this.#enter('new', s);
  }

  snapshot(s: NewSpec): OrderEvent {
    return this.#enter('snapshot', s);
  }

  amend(id: string, a: AmendSpec): OrderEvent {
    const seq = ++this.seq;
    const o = this.#orders.get(id);
    const mm_tag = a.mm_tag ?? o?.mm_tag ?? false;
    if (o) o.mm_tag = mm_tag;
    return this.#order({
      seq,
      ts: ts(seq),
      event: 'amend',
      order_id: id,
      symbol: o?.symbol ?? 'BTC-USD',
      account_id: a.acct ?? o?.acct ?? 'C-1',
      side: a.side ?? o?.side ?? 'buy',
      price: a.price === undefined ? '100' : a.price,
      qty: a.qty,
      display_qty: a.display ?? null,
      mm_tag,
      ...contract2(a),
    });
  }

  end(event: 'cancel' | 'expire' | 'reject', id: string, acct?: string): OrderEvent {
    const seq = ++this.seq;
    const o = this.#orders.get(id);
    return this.#order({
      seq,
      ts: ts(seq),
      event,
      order_id: id,
      symbol: o?.symbol ?? 'BTC-USD',
      account_id: acct ?? o?.acct ?? 'C-1',
      side: o?.side ?? 'buy',
    });
  }

  cancel(id: string): OrderEvent {
    return this.end('cancel', id);
  }

  trade(s: TradeSpec): Trade {
    const seq = ++this.seq;
    const rec = tradeSchema.parse({
      seq,
      ts: ts(seq),
      trade_id: s.id,
      symbol: s.symbol ?? 'BTC-USD',
      price: s.price,
      qty: s.qty,
      maker_order_id: s.maker,
      taker_order_id: s.taker,
      maker_mm_tag: s.maker_mm_tag ?? this.#orders.get(s.maker)?.mm_tag ?? false,
      taker_mm_tag: s.taker_mm_tag ?? this.#orders.get(s.taker)?.mm_tag ?? false,
      phase: s.phase ?? 'continuous',
    });
    this.items.push({ kind: 'trade', rec, file: 'trades/t.csv', line: this.items.length + 1 });
    return rec;
  }
}

/** The contract-2 fields a spec sets (none: the record is as contract 1 writes it). */
function contract2(s: { route?: string | null; prefunded?: string | null }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.route !== undefined) out.route = s.route;
  if (s.prefunded !== undefined) out.prefunded = s.prefunded;
  return out;
}

export interface RunResult {
  auditor: OrderFlowAuditor;
  collector: FindingCollector;
  quarantined: OrderFlowQuarantine[];
  findings: FindingDraft[];
  /** Findings of one check. */
  of(checkId: string): FindingDraft[];
  /** The finding of one check and subject, if any. */
  get(checkId: string, subject: string): FindingDraft | undefined;
}

/** The rules that judge the order flow itself (lifecycle, trade consistency, customer priority, MM tagging). */
export const ORDER_FLOW_CHECKS = ['DQ-6', 'DQ-3', 'CP-1', 'CP-2', 'MMT-1', 'MMT-2', 'MMT-3', 'MMT-4'];

/** The order-flow auditor with the pack's rules for ORDER_FLOW_CHECKS, then `extra`, over `items`. */
export function run(items: OrderFlowItem[], ref: ReferenceData = refData(), extra: Rule[] = []): RunResult {
  const collector = new FindingCollector();
  const quarantined: OrderFlowQuarantine[] = [];
  const rules = new RuleSet({ ref, params: DEFAULT_PARAMETERS, sink: collector }, declarationsOf(ORDER_FLOW_CHECKS), {
    replays: ['orders+trades'],
    extra,
  });
  const auditor = new OrderFlowAuditor(rules, (q) => quarantined.push(q));
  for (const item of items) auditor.process(item);
  rules.finish();
  const findings = collector.findings();
  return {
    auditor,
    collector,
    quarantined,
    findings,
    of: (id) => findings.filter((f) => f.check_id === id),
    get: (id, subject) => findings.find((f) => f.check_id === id && f.subject === subject),
  };
}

/** check_id → severity of every finding with the given subject. */
export function verdicts(r: RunResult, subject: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of r.findings) if (f.subject === subject) out[f.check_id] = f.severity;
  return out;
}
