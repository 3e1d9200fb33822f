/**
 * The perpetual-contract margin ledger (V2.md "margin"): per-account margin balances, the insurance fund, and each
 * liquidation's deficit and what covered it — what PERP-4, PERP-5 and PERP-6 judge. Pure: events are applied in `seq`
 * order (duplicates in file path, then line order), exact decimals, no I/O. Memory grows with accounts and
 * liquidations, never with the other events.
 *
 * Balance of an account: a `deposit`, a `credit` and a `pnl`, `funding` or `liquidation` add their amount (the last
 * three are signed); a `withdraw` and a `fee` subtract it; an `insurance` payout (amount < 0) adds |amount| to its
 * `account_id`; an `adl` subtracts its amount from its `account_id` and adds it to the account of the liquidation its
 * `ref` names. The insurance fund is the sum of every `insurance` amount, whatever its `ref`. A contribution (amount
 * ≥ 0) moves the fund only: its `account_id` and `ref`, which the contract has null, are not used.
 *
 * A liquidation's deficit is minus the account's balance just after it, when that is negative (zero: no deficit). It
 * is covered by the payouts (|amount|) and adl amounts whose `ref` is that liquidation's `event_id`, when it is a
 * liquidation at a strictly lower seq (V2.md "Readings fixed"); a ref that does not resolve still moves the balances
 * above, but covers nothing. What is still uncovered is max(0, deficit − covered so far). When two liquidations share
 * an `event_id`, a ref names the first one applied.
 */
import { Exact } from '../contract/decimal.js';
import type { MarginEvent, MarginEventKind } from '../contract/recordsV2.js';
import { MarginLedgerError } from './errors.js';

/** Which event, where in the ledger. */
export interface MarginMark {
  event_id: string;
  seq: number;
  ts: string;
}

/** A payout or adl that covered (part of) a liquidation's deficit. */
export interface Cover {
  mark: MarginMark;
  event: 'insurance' | 'adl';
  /** The event's account_id (the payout's recipient, or the account deleveraged). */
  account_id: string;
  /** What it covered: |amount| of a payout, the amount of an adl. */
  amount: Exact;
}

/**
 * A liquidation, its deficit and its coverage so far. Read-only for callers, and live: the ledger owns it and adds
 * later covers to it (read what a step needs from the step's own values, e.g. RefResolution.uncoveredBefore).
 */
export interface Liquidation {
  mark: MarginMark;
  account_id: string;
  symbol: string | null;
  /** Minus the account's balance just after the liquidation when negative; zero when it left no deficit. */
  deficit: Exact;
  /** Sum of the covers' amounts (may exceed the deficit). */
  covered: Exact;
  /** The payouts and adl events that named it, in replay order. */
  covers: Cover[];
}

/** One account's balance just before and just after an event. */
export interface BalanceChange {
  account_id: string;
  before: Exact;
  after: Exact;
}

/** How the `ref` of a payout or adl resolved. */
export type RefResolution =
  | {
      kind: 'liquidation';
      ref: string;
      liquidation: Readonly<Liquidation>;
      /** What was still uncovered of its deficit just before this event, and just after it. */
      uncoveredBefore: Exact;
      uncoveredAfter: Exact;
    }
  | { kind: 'unresolved'; ref: string; reason: UnresolvedRef };

export type UnresolvedRef = 'no liquidation has this event_id' | 'the liquidation is not at a lower seq';

/** What one applied event did: the values PERP-4..6 judge, before and after. */
export interface MarginStep {
  mark: MarginMark;
  event: MarginEventKind;
  /**
   * The balance of the event's own `account_id` as the event moved it: deposit, withdraw, pnl, fee, credit, funding,
   * liquidation, an insurance payout (credited) and adl (debited). Null for funding_rate and a contribution.
   */
  account: BalanceChange | null;
  /** adl whose ref resolves: the liquidated account, credited with the amount. Null otherwise. */
  refAccount: BalanceChange | null;
  /** The insurance fund just before and just after the event (equal unless the event is an insurance). */
  fundBefore: Exact;
  fundAfter: Exact;
  /** An insurance payout or an adl: how its ref resolved (null for every other event). */
  ref: RefResolution | null;
  /** A liquidation: the liquidation as recorded (its deficit; zero when none). Null for other events. */
  liquidation: Readonly<Liquidation> | null;
}

/** The ledger as plain, structured-clone-able data (decimals as their text), for checkpoints. */
export interface MarginLedgerState {
  balances: [string, string][];
  fund: string;
  liquidations: {
    mark: MarginMark;
    account_id: string;
    symbol: string | null;
    deficit: string;
    covers: { mark: MarginMark; event: 'insurance' | 'adl'; account_id: string; amount: string }[];
  }[];
  applied: number;
}

const ZERO = new Exact(0);

export class MarginLedger {
  readonly #balances = new Map<string, Exact>();
  #fund: Exact = ZERO;
  /** Every liquidation applied, in order (PERP-5 judges each). */
  readonly #liquidations: Liquidation[] = [];
  /** event_id → the first liquidation with it (what a ref names). */
  readonly #byId = new Map<string, Liquidation>();
  #applied = 0;
  #lastStep: MarginStep | null = null;

  /** Applies one event (in seq order) and says what it did. Throws MarginLedgerError on a field the event needs. */
  apply(ev: MarginEvent): MarginStep {
    this.#lastStep = null;
    const mark: MarginMark = { event_id: ev.event_id, seq: ev.seq, ts: ev.ts };
    const fundBefore = this.#fund;
    const step: MarginStep = {
      mark,
      event: ev.event,
      account: null,
      refAccount: null,
      fundBefore,
      fundAfter: fundBefore,
      ref: null,
      liquidation: null,
    };
    switch (ev.event) {
      case 'deposit':
      case 'credit':
      case 'pnl':
      case 'funding':
        step.account = this.#move(need(ev, 'account_id'), amount(ev));
        break;
      case 'withdraw':
      case 'fee':
        step.account = this.#move(need(ev, 'account_id'), amount(ev).neg());
        break;
      case 'liquidation': {
        const change = this.#move(need(ev, 'account_id'), amount(ev));
        step.account = change;
        const liquidation: Liquidation = {
          mark,
          account_id: change.account_id,
          symbol: ev.symbol ?? null,
          deficit: change.after.lt(0) ? change.after.neg() : ZERO,
          covered: ZERO,
          covers: [],
        };
        this.#liquidations.push(liquidation);
        if (!this.#byId.has(mark.event_id)) this.#byId.set(mark.event_id, liquidation);
        step.liquidation = liquidation;
        break;
      }
      case 'insurance': {
        const a = amount(ev);
        this.#fund = fundBefore.plus(a);
        step.fundAfter = this.#fund;
        if (a.lt(0)) {
          const accountId = need(ev, 'account_id');
          step.account = this.#move(accountId, a.neg());
          step.ref = this.#cover(need(ev, 'ref'), mark, 'insurance', accountId, a.neg());
        }
        break;
      }
      case 'adl': {
        const a = amount(ev);
        const accountId = need(ev, 'account_id');
        step.account = this.#move(accountId, a.neg());
        step.ref = this.#cover(need(ev, 'ref'), mark, 'adl', accountId, a);
        if (step.ref.kind === 'liquidation') step.refAccount = this.#move(step.ref.liquidation.account_id, a);
        break;
      }
      case 'funding_rate':
        break;
    }
    this.#applied++;
    this.#lastStep = step;
    return step;
  }

  /**
   * What the last apply did (null before any, and after an apply that threw): what a rule that sees an event just after
   * the ledger applied it reads, since the stream's auditor applies the event itself.
   */
  get lastStep(): MarginStep | null {
    return this.#lastStep;
  }

  /** The account's margin balance now (zero for an account the ledger has not seen). */
  balance(accountId: string): Exact {
    return this.#balances.get(accountId) ?? ZERO;
  }

  /** The insurance fund now. */
  get fund(): Exact {
    return this.#fund;
  }

  /**
   * What a `ref` on an event at `seq` names: the first liquidation with that event_id, when its seq is lower; else
   * why not (for DQ-5 and the not-tested reasons of PERP-5/PERP-6).
   */
  resolveRef(ref: string, seq: number): { liquidation: Readonly<Liquidation> } | { reason: UnresolvedRef } {
    const liquidation = this.#byId.get(ref);
    if (liquidation === undefined) return { reason: 'no liquidation has this event_id' };
    if (liquidation.mark.seq >= seq) return { reason: 'the liquidation is not at a lower seq' };
    return { liquidation };
  }

  /** What is still uncovered of a liquidation's deficit now: max(0, deficit − covered). */
  uncovered(liquidation: Readonly<Liquidation>): Exact {
    return Exact.max(ZERO, liquidation.deficit.minus(liquidation.covered));
  }

  /** Every liquidation applied so far, in replay order, with its deficit and coverage (PERP-5 at the end). */
  liquidations(): readonly Readonly<Liquidation>[] {
    return this.#liquidations;
  }

  /** Number of events applied. */
  get applied(): number {
    return this.#applied;
  }

  saveState(): MarginLedgerState {
    return {
      balances: [...this.#balances].map(([k, v]) => [k, v.toString()]),
      fund: this.#fund.toString(),
      liquidations: this.#liquidations.map((l) => ({
        mark: { ...l.mark },
        account_id: l.account_id,
        symbol: l.symbol,
        deficit: l.deficit.toString(),
        covers: l.covers.map((c) => ({
          mark: { ...c.mark },
          event: c.event,
          account_id: c.account_id,
          amount: c.amount.toString(),
        })),
      })),
      applied: this.#applied,
    };
  }

  /** Takes over a saveState result (after a structured-clone round trip); the ledger must be fresh. */
  loadState(state: MarginLedgerState): void {
    if (this.#applied !== 0) throw new MarginLedgerError('(checkpoint)', 'a state is loaded into a fresh ledger only');
    for (const [k, v] of state.balances) this.#balances.set(k, new Exact(v));
    this.#fund = new Exact(state.fund);
    for (const s of state.liquidations) {
      const covers: Cover[] = s.covers.map((c) => ({ ...c, mark: { ...c.mark }, amount: new Exact(c.amount) }));
      const liquidation: Liquidation = {
        mark: { ...s.mark },
        account_id: s.account_id,
        symbol: s.symbol,
        deficit: new Exact(s.deficit),
        covered: covers.reduce((n, c) => n.plus(c.amount), ZERO),
        covers,
      };
      this.#liquidations.push(liquidation);
      if (!this.#byId.has(liquidation.mark.event_id)) this.#byId.set(liquidation.mark.event_id, liquidation);
    }
    this.#applied = state.applied;
  }

  #move(accountId: string, delta: Exact): BalanceChange {
    const before = this.balance(accountId);
    const after = before.plus(delta);
    this.#balances.set(accountId, after);
    return { account_id: accountId, before, after };
  }

  /** Resolves the ref of a payout or adl and, when it names a liquidation at a lower seq, records the cover. */
  #cover(ref: string, mark: MarginMark, event: Cover['event'], accountId: string, covered: Exact): RefResolution {
    const found = this.resolveRef(ref, mark.seq);
    if ('reason' in found) return { kind: 'unresolved', ref, reason: found.reason };
    const liquidation = this.#byId.get(ref)!;
    const uncoveredBefore = this.uncovered(liquidation);
    liquidation.covers.push({ mark, event, account_id: accountId, amount: covered });
    liquidation.covered = liquidation.covered.plus(covered);
    return { kind: 'liquidation', ref, liquidation, uncoveredBefore, uncoveredAfter: this.uncovered(liquidation) };
  }
}

type StringField = 'account_id' | 'ref';

function need(ev: MarginEvent, field: StringField): string {
  const v = ev[field];
  if (v === undefined || v === null) throw new MarginLedgerError(ev.event_id, `'${ev.event}' without ${field}`);
  return v;
}

function amount(ev: MarginEvent): Exact {
  const v = ev.amount;
  if (v === undefined || v === null) throw new MarginLedgerError(ev.event_id, `'${ev.event}' without amount`);
  try {
    return new Exact(v);
  } catch (cause) {
    throw new MarginLedgerError(ev.event_id, `amount '${v}' is not a decimal`, { cause });
  }
}
