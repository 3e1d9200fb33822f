/**
 * NRH-1 (critical, subject event_id). Compliant: a `transfer` out of a `client_collateral` wallet goes only to
 * another `client_collateral` wallet. Why: the SFC's VA margin-financing measure forbids re-using or re-pledging
 * client collateral; moving it out of segregated custody (to house, MM, third-party or external wallets) is re-use.
 *
 * Unknown wallets (DQ-5 reports the id): a destination absent from the reference data is not shown to be
 * `client_collateral`, so a transfer out of a client_collateral wallet to it is a finding. A transfer from an unknown
 * wallet cannot be judged unless it goes into a client_collateral wallet (then it is compliant either way); it is
 * counted "not tested".
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population, UNKNOWN_WALLET, walletEvidence, walletText } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class TransferOutOfSegregation implements Rule {
  readonly checks = ['NRH-1'] as const;
  readonly #pop = new Population('NRH-1', 'no transfers in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'transfer') return;
    const fromId = rec.from_wallet;
    const toId = rec.to_wallet;
    if (fromId == null || toId == null) {
      this.#pop.notTested(ctx, 'transfer without from_wallet or to_wallet');
      return;
    }
    const from = ctx.ref.wallets.get(fromId);
    const to = ctx.ref.wallets.get(toId);
    if (to?.kind === 'client_collateral') {
      this.#pop.examined(ctx);
      return;
    }
    if (from === undefined) {
      this.#pop.notTested(ctx, `source ${UNKNOWN_WALLET}`);
      return;
    }
    this.#pop.examined(ctx);
    if (from.kind !== 'client_collateral') return;
    const asset = rec.asset ?? '?';
    ctx.sink.report(
      eventFinding(
        'NRH-1',
        item,
        `Transfer ${rec.event_id} (seq ${rec.seq}) moved ${rec.qty} ${asset} out of client_collateral wallet ${fromId} to ${walletText(toId, to)}, outside segregated client-collateral custody.`,
        {
          from_wallet: walletEvidence(fromId, from),
          to_wallet: walletEvidence(toId, to),
          asset,
          qty: rec.qty ?? null,
          ledger_holdings_of_source_before: this.ledger.holding(fromId, asset).toString(),
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
