/**
 * NRH-5 (high, subject event_id). Compliant: a `pledge` puts collateral into a `client_collateral` wallet, and a
 * `release` returns it to the client's own `client_free` wallet (kind client_free, owner_entity_id = the entity of
 * the release's account). Why: the SFC's VA margin-financing measure keeps client collateral segregated on trust and
 * returns it to the client, not to another party.
 *
 * Unknown references (DQ-5 reports the ids): a destination wallet absent from the reference data is not shown to be
 * client_collateral / the client's own client_free wallet, so it is a finding; so is a release whose account is
 * absent from the reference data, since the wallet cannot be shown to be that client's.
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import { Exact } from '../../contract/decimal.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population, walletEvidence, walletText } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class MisdirectedPledgeOrRelease implements Rule {
  readonly checks = ['NRH-5'] as const;
  readonly #pop = new Population('NRH-5', 'no pledges or releases in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'pledge' && rec.event !== 'release') return;
    const toId = rec.to_wallet;
    if (toId == null) {
      this.#pop.notTested(ctx, `${rec.event} without to_wallet`);
      return;
    }
    this.#pop.examined(ctx);
    const to = ctx.ref.wallets.get(toId);
    const what = `${rec.qty} ${rec.asset} for loan ${rec.loan_id}`;
    if (rec.event === 'pledge') {
      if (to?.kind === 'client_collateral') return;
      ctx.sink.report(
        eventFinding(
          'NRH-5',
          item,
          `Pledge ${rec.event_id} (seq ${rec.seq}) put ${what} into ${walletText(toId, to)}, not a client_collateral wallet.`,
          { to_wallet: walletEvidence(toId, to), expected: 'client_collateral wallet' },
        ),
      );
      return;
    }
    const account = rec.account_id == null ? undefined : ctx.ref.accounts.get(rec.account_id);
    if (to?.kind === 'client_free' && account !== undefined && to.owner_entity_id === account.entity_id) return;
    let why: string;
    if (to === undefined) why = 'which is absent from the wallets reference data';
    else if (to.kind !== 'client_free') why = 'not a client_free wallet';
    else if (account === undefined) {
      why = `and account ${rec.account_id} is absent from the accounts reference data, so the wallet cannot be shown to be the client's`;
    } else why = `owned by entity ${to.owner_entity_id}, not by the client's entity ${account.entity_id}`;
    ctx.sink.report(
      eventFinding(
        'NRH-5',
        item,
        `Release ${rec.event_id} (seq ${rec.seq}) returned ${what} of account ${rec.account_id} to ${walletText(toId, to)}, ${why}.`,
        {
          to_wallet: walletEvidence(toId, to),
          account: account === undefined ? { account_id: rec.account_id ?? null, known: false } : account,
          expected: "the client's own client_free wallet",
          from_wallet: rec.from_wallet ?? null,
          loan_pledged_qty_of_asset_before: this.#pledgedQty(rec.loan_id, rec.asset),
        },
      ),
    );
  }

  #pledgedQty(loanId: string | null | undefined, asset: string | null | undefined): string {
    let total = new Exact(0);
    for (const lot of this.ledger.loan(loanId ?? '')?.lots ?? []) if (lot.asset === asset) total = total.plus(lot.qty);
    return total.toString();
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
