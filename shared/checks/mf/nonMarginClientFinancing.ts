/**
 * MF-4 (high, subject event_id). Compliant: a `loan_draw` on a loan backed by virtual assets (it holds a
 * virtual_asset lot with quantity above zero, eligible or not) is made by an account with
 * `securities_margin_client = true`. Why: the SFC's VA margin-financing measure offers VA financing only to
 * securities margin clients.
 *
 * The account judged is the draw's own account_id. An account absent from the reference data (DQ-5) has no
 * securities_margin_client flag, whose default is false: a VA-backed draw by it is a finding.
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class NonMarginClientFinancing implements Rule {
  readonly checks = ['MF-4'] as const;
  readonly #pop = new Population('MF-4', 'no loan draws in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'loan_draw') return;
    if (rec.loan_id == null || rec.account_id == null) {
      this.#pop.notTested(ctx, 'loan_draw without loan_id or account_id');
      return;
    }
    this.#pop.examined(ctx);
    if (!this.ledger.isBackedByVirtualAssets(rec.loan_id)) return;
    const account = ctx.ref.accounts.get(rec.account_id);
    if (account?.securities_margin_client === true) return;
    const vaLots = (this.ledger.loan(rec.loan_id)?.lots ?? [])
      .filter((l) => l.asset_class === 'virtual_asset')
      .map((l) => ({ pledge_event_id: l.pledge.event_id, asset: l.asset, qty: l.qty.toString() }));
    const who =
      account === undefined
        ? `account ${rec.account_id}, which is absent from the accounts reference data,`
        : `account ${rec.account_id}, which is not a securities margin client,`;
    ctx.sink.report(
      eventFinding(
        'MF-4',
        item,
        `Loan draw ${rec.event_id} (seq ${rec.seq}) of ${rec.amount} on loan ${rec.loan_id} was made by ${who} while the loan is backed by virtual assets (${vaLots.map((l) => `${l.qty} ${l.asset}`).join(', ')}).`,
        {
          account:
            account === undefined
              ? { account_id: rec.account_id, known: false }
              : { account_id: rec.account_id, known: true, securities_margin_client: account.securities_margin_client },
          loan_id: rec.loan_id,
          virtual_asset_lots: vaLots.slice(0, 20),
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
