/**
 * NRH-4 (critical, subject event_id). Compliant: every custody `balance` of a `client_collateral` wallet is at least
 * that wallet's ledger holdings of the asset at that point (all movements applied before the balance in replay
 * order). Why: custody holding less than the books say means client collateral was taken or re-used off the ledger.
 *
 * Population: balances of client_collateral wallets; balances of other wallets are outside it; a balance of a wallet
 * absent from the reference data (DQ-5) cannot be judged: "not tested".
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import { Exact } from '../../contract/decimal.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population, UNKNOWN_WALLET } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class CustodyShortfall implements Rule {
  readonly checks = ['NRH-4'] as const;
  readonly #pop = new Population('NRH-4', 'no custody balances of client_collateral wallets in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'balance') return;
    if (rec.from_wallet == null || rec.asset == null || rec.qty == null) {
      this.#pop.notTested(ctx, 'balance without from_wallet, asset or qty');
      return;
    }
    const wallet = ctx.ref.wallets.get(rec.from_wallet);
    if (wallet === undefined) {
      this.#pop.notTested(ctx, `balance of a ${UNKNOWN_WALLET}`);
      return;
    }
    if (wallet.kind !== 'client_collateral') return;
    this.#pop.examined(ctx);
    const holdings = this.ledger.holding(rec.from_wallet, rec.asset);
    const balance = new Exact(rec.qty);
    if (!balance.lt(holdings)) return;
    ctx.sink.report(
      eventFinding(
        'NRH-4',
        item,
        `Custody balance ${rec.event_id} (seq ${rec.seq}) shows ${rec.qty} ${rec.asset} in client_collateral wallet ${rec.from_wallet}, below the ledger holdings of ${holdings.toString()} at that point (short by ${holdings.minus(balance).toString()}).`,
        {
          wallet_id: rec.from_wallet,
          asset: rec.asset,
          balance: rec.qty,
          ledger_holdings: holdings.toString(),
          shortfall: holdings.minus(balance).toString(),
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
