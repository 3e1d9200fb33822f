/**
 * DQ-5 (medium), subject: the unknown id. Compliant: every account (orders' account_id, collateral account_id),
 * wallet (collateral from_wallet / to_wallet) and instrument (orders' and trades' symbol) referenced by an event is
 * in its reference folder. Contract 2 (V2.md) adds: an order's `route` (read on its `new`) is a venue of `venues`
 * (without a `venues/` folder every route is unknown); a margin event's `account_id` and `symbol` are in the accounts
 * and instruments reference (a symbol that is any instrument is known); a settlement's `order_id` is a routed order of
 * the order flow (audited before settlements, so every routed order is known by then); the `ref` of an `insurance` or
 * `adl` event names a `liquidation` at a lower seq (the first liquidation with that event_id, as the margin ledger
 * resolves it). Why: record keeping and independent review — checks that depend on an account's role, a wallet's
 * kind, an instrument's product, a venue's approval or the liquidation a payout covers cannot judge events about
 * unknown ones, so the gap is disclosed.
 *
 * One finding per id. The subject is the id itself (RULES); an id unknown in more than one role (say "X" used both
 * as an account and as a wallet) stays one finding whose evidence lists each role with its first reference and
 * count, so no role is lost to the one-finding-per-subject rule. Reported at the end, when counts are complete.
 * Population: references examined (each non-null reference field of an accepted record).
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { CollateralEvent, OrderEvent, Trade } from '../../contract/records.js';
import type { MarginEvent, SettlementEvent } from '../../contract/recordsV2.js';
import { routeOf } from '../../replay/lifecycle.js';
import type { Rule, RuleContext } from '../rule.js';
import { enteredRoute } from '../sob/routedOrders.js';

const DQ5 = 'DQ-5';

export type ReferenceRole = 'account' | 'wallet' | 'instrument' | 'venue' | 'routed_order' | 'liquidation';
const ROLE_ORDER: readonly ReferenceRole[] = [
  'account',
  'wallet',
  'instrument',
  'venue',
  'routed_order',
  'liquidation',
];

/**
 * How each role is named, and where its ids are looked up: the reference folder `folder`, or, when `absent` is set,
 * the records of that folder (`absent` says what they lack).
 */
const ROLES: Record<ReferenceRole, { name: string; article: string; folder: string; absent?: string }> = {
  account: { name: 'account', article: 'an account', folder: 'accounts' },
  wallet: { name: 'wallet', article: 'a wallet', folder: 'wallets' },
  instrument: { name: 'instrument', article: 'an instrument', folder: 'instruments' },
  venue: { name: 'venue', article: 'a venue', folder: 'venues' },
  routed_order: {
    name: 'routed order',
    article: 'a routed order',
    folder: 'orders',
    absent: 'no order of the orders folder was routed with this id',
  },
  liquidation: {
    name: 'liquidation',
    article: 'a liquidation',
    folder: 'margin',
    absent: 'no liquidation at a lower seq of the margin ledger has this event_id',
  },
};

interface FirstReference {
  file: string;
  line: number;
  field: string;
  seq: number;
  ts: string;
}

interface Unknown {
  first: FirstReference;
  count: number;
}

interface UnknownReferencesState {
  examined: number;
  unknown: Map<string, Map<ReferenceRole, Unknown>>;
  routed: Set<string>;
  liquidations: Map<string, number>;
}

export class UnknownReferencesRule implements Rule {
  readonly checks = [DQ5] as const;
  #examined = 0;
  readonly #unknown = new Map<string, Map<ReferenceRole, Unknown>>();
  /** Contract 2: the ids of the routed orders of the order flow (what a settlement's order_id must name). */
  readonly #routed = new Set<string>();
  /** Contract 2: event_id → seq of the first margin liquidation with it (what a `ref` names). */
  readonly #liquidations = new Map<string, number>();

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const o = item.rec;
    this.#check(ctx, 'account', o.account_id, 'account_id', item, o);
    this.#check(ctx, 'instrument', o.symbol, 'symbol', item, o);
    // The route is read on a `new` (a repeated `new` too, like its other ids); a contract-1 record has none.
    const route = routeOf(o);
    if (route === null) return;
    this.#check(ctx, 'venue', route, 'route', item, o);
    if (enteredRoute(item, before) !== null) this.#routed.add(o.order_id);
  }

  onTrade(item: Located<Trade>, _maker: unknown, _taker: unknown, ctx: RuleContext): void {
    this.#check(ctx, 'instrument', item.rec.symbol, 'symbol', item, item.rec);
  }

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const c = item.rec;
    this.#check(ctx, 'account', c.account_id, 'account_id', item, c);
    this.#check(ctx, 'wallet', c.from_wallet, 'from_wallet', item, c);
    this.#check(ctx, 'wallet', c.to_wallet, 'to_wallet', item, c);
  }

  onMargin(item: Located<MarginEvent>, ctx: RuleContext): void {
    const m = item.rec;
    this.#check(ctx, 'account', m.account_id, 'account_id', item, m);
    this.#check(ctx, 'instrument', m.symbol, 'symbol', item, m);
    if ((m.event === 'insurance' || m.event === 'adl') && m.ref != null) {
      this.#examined++;
      const at = this.#liquidations.get(m.ref);
      if (at === undefined || at >= m.seq) this.#unknownAt('liquidation', m.ref, 'ref', item, m);
    }
    if (m.event === 'liquidation' && !this.#liquidations.has(m.event_id)) this.#liquidations.set(m.event_id, m.seq);
  }

  onSettlement(item: Located<SettlementEvent>, _ctx: RuleContext): void {
    const s = item.rec;
    this.#examined++;
    if (!this.#routed.has(s.order_id)) this.#unknownAt('routed_order', s.order_id, 'order_id', item, s);
  }

  /** Checkpoint: references examined, every unknown id, routed orders and liquidations so far (copied). */
  saveState(): UnknownReferencesState {
    return structuredClone({
      examined: this.#examined,
      unknown: this.#unknown,
      routed: this.#routed,
      liquidations: this.#liquidations,
    });
  }

  loadState(state: unknown): void {
    const s = state as UnknownReferencesState;
    this.#examined = s.examined;
    this.#unknown.clear();
    for (const [id, roles] of s.unknown) this.#unknown.set(id, roles);
    this.#routed.clear();
    for (const id of s.routed ?? []) this.#routed.add(id);
    this.#liquidations.clear();
    for (const [id, seq] of s.liquidations ?? []) this.#liquidations.set(id, seq);
  }

  finish(ctx: RuleContext): void {
    if (this.#examined === 0) {
      const what =
        ctx.ref.manifest.contract === 1
          ? 'account, wallet or instrument'
          : 'account, wallet, instrument, venue, routed order or liquidation';
      ctx.sink.notTested(DQ5, `no ${what} referenced by any event`, 0);
      return;
    }
    ctx.sink.examined(DQ5, this.#examined);
    for (const [id, roles] of this.#unknown) {
      const list = ROLE_ORDER.filter((r) => roles.has(r)).map((r) => [r, roles.get(r)!] as const);
      const [firstRole, firstRef] = list[0]!;
      const names = list.map(([r]) => ROLES[r].name);
      const phrase = list.map(([r]) => ROLES[r].article).join(' and ');
      // The roles looked up in a reference folder share one clause (the wording of contract 1); the others have theirs.
      const folders = list
        .filter(([r]) => ROLES[r].absent === undefined)
        .map(([r]) => ROLES[r].folder)
        .join(' / ');
      const elsewhere = list.flatMap(([r]) => ROLES[r].absent ?? []);
      const titleClauses = [...(folders === '' ? [] : [`not in the ${folders} reference`]), ...elsewhere];
      const detailClauses = [...(folders === '' ? [] : [`it is not in the ${folders} reference folder`]), ...elsewhere];
      const uses = list
        .map(
          ([r, u]) =>
            `as ${ROLES[r].name} ${u.count} time${u.count === 1 ? '' : 's'}, first in ${u.first.file}:${u.first.line} (${u.first.field})`,
        )
        .join('; ');
      ctx.sink.report({
        check_id: DQ5,
        severity: 'medium',
        subject: id,
        account_id: roles.has('account') ? id : null,
        symbol: roles.has('instrument') ? id : null,
        seq: firstRef.first.seq,
        ts: firstRef.first.ts,
        title: `Unknown ${names.join(' / ')} ${JSON.stringify(id)}: ${titleClauses.join('; ')}`,
        detail: `Events reference ${JSON.stringify(id)} as ${phrase}, but ${detailClauses.join('; and ')}: ${uses}.`,
        evidence: {
          id,
          roles: Object.fromEntries(
            list.map(([r, u]) => [r, { folder: ROLES[r].folder, count: u.count, first_reference: u.first }]),
          ),
          first_role: firstRole,
        },
      });
    }
  }

  /** Counts a reference to a reference folder's id, and remembers it when the folder does not have it. */
  #check(
    ctx: RuleContext,
    role: 'account' | 'wallet' | 'instrument' | 'venue',
    id: string | null | undefined,
    field: string,
    item: Located<unknown>,
    rec: { seq: number; ts: string },
  ): void {
    if (id === null || id === undefined) return;
    this.#examined++;
    const known =
      role === 'account'
        ? ctx.lookup.account(id) !== undefined
        : role === 'wallet'
          ? ctx.ref.wallets.has(id)
          : role === 'instrument'
            ? ctx.lookup.instrument(id) !== undefined
            : ctx.ref.venues.has(id);
    if (!known) this.#unknownAt(role, id, field, item, rec);
  }

  #unknownAt(
    role: ReferenceRole,
    id: string,
    field: string,
    item: Located<unknown>,
    rec: { seq: number; ts: string },
  ): void {
    let roles = this.#unknown.get(id);
    if (roles === undefined) {
      roles = new Map();
      this.#unknown.set(id, roles);
    }
    const u = roles.get(role);
    if (u === undefined) {
      roles.set(role, { first: { file: item.file, line: item.line, field, seq: rec.seq, ts: rec.ts }, count: 1 });
    } else u.count++;
  }
}
