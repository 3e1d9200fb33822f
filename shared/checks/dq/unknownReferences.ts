/**
 * DQ-5 (medium), subject: the unknown id. Compliant: every account (orders' account_id, collateral account_id),
 * wallet (collateral from_wallet / to_wallet) and instrument (orders' and trades' symbol) referenced by an event is
 * in its reference folder. Why: record keeping and independent review — checks that depend on an account's role,
 * a wallet's kind or an instrument's product cannot judge events about unknown ones, so the gap is disclosed.
 *
 * One finding per id. The subject is the id itself (RULES); an id unknown in more than one role (say "X" used both
 * as an account and as a wallet) stays one finding whose evidence lists each role with its first reference and
 * count, so no role is lost to the one-finding-per-subject rule. Reported at the end, when counts are complete.
 * Population: references examined (each non-null reference field of an accepted record).
 */

import type { Located } from '../../contract/events.js';
import type { CollateralEvent, OrderEvent, Trade } from '../../contract/records.js';
import type { Rule, RuleContext } from '../rule.js';

const DQ5 = 'DQ-5';

export type ReferenceRole = 'account' | 'wallet' | 'instrument';
const ROLE_ORDER: readonly ReferenceRole[] = ['account', 'wallet', 'instrument'];
const FOLDER: Record<ReferenceRole, string> = { account: 'accounts', wallet: 'wallets', instrument: 'instruments' };

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

export class UnknownReferencesRule implements Rule {
  readonly checks = [DQ5] as const;
  #examined = 0;
  readonly #unknown = new Map<string, Map<ReferenceRole, Unknown>>();

  onOrderEvent(item: Located<OrderEvent>, _before: unknown, ctx: RuleContext): void {
    const o = item.rec;
    this.#check(ctx, 'account', o.account_id, 'account_id', item, o);
    this.#check(ctx, 'instrument', o.symbol, 'symbol', item, o);
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

  /** Checkpoint: references examined and every unknown id so far (plain maps and objects, copied). */
  saveState(): { examined: number; unknown: Map<string, Map<ReferenceRole, Unknown>> } {
    return { examined: this.#examined, unknown: structuredClone(this.#unknown) };
  }

  loadState(state: unknown): void {
    const s = state as { examined: number; unknown: Map<string, Map<ReferenceRole, Unknown>> };
    this.#examined = s.examined;
    this.#unknown.clear();
    for (const [id, roles] of s.unknown) this.#unknown.set(id, roles);
  }

  finish(ctx: RuleContext): void {
    if (this.#examined === 0) {
      ctx.sink.notTested(DQ5, 'no account, wallet or instrument referenced by any event', 0);
      return;
    }
    ctx.sink.examined(DQ5, this.#examined);
    for (const [id, roles] of this.#unknown) {
      const list = ROLE_ORDER.filter((r) => roles.has(r)).map((r) => [r, roles.get(r)!] as const);
      const [firstRole, firstRef] = list[0]!;
      const names = list.map(([r]) => r);
      const article: Record<ReferenceRole, string> = {
        account: 'an account',
        wallet: 'a wallet',
        instrument: 'an instrument',
      };
      const phrase = names.map((r) => article[r]).join(' and ');
      const folders = list.map(([r]) => FOLDER[r]).join(' / ');
      const uses = list
        .map(
          ([r, u]) =>
            `as ${r} ${u.count} time${u.count === 1 ? '' : 's'}, first in ${u.first.file}:${u.first.line} (${u.first.field})`,
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
        title: `Unknown ${names.join(' / ')} ${JSON.stringify(id)}: not in the ${folders} reference`,
        detail: `Events reference ${JSON.stringify(id)} as ${phrase}, but it is not in the ${folders} reference folder: ${uses}.`,
        evidence: {
          id,
          roles: Object.fromEntries(
            list.map(([r, u]) => [r, { folder: FOLDER[r], count: u.count, first_reference: u.first }]),
          ),
          first_role: firstRole,
        },
      });
    }
  }

  #check(
    ctx: RuleContext,
    role: ReferenceRole,
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
          : ctx.lookup.instrument(id) !== undefined;
    if (known) return;
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
