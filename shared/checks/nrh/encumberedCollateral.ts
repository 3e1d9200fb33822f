/**
 * NRH-3 (critical, subject event_id). Compliant: no `encumber` (lien or security interest) over a
 * `client_collateral` wallet. Why: the SFC's VA margin-financing measure forbids encumbering client collateral.
 *
 * An encumbrance over a wallet absent from the reference data (DQ-5) cannot be judged: "not tested".
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population, UNKNOWN_WALLET } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class EncumberedCollateral implements Rule {
  readonly checks = ['NRH-3'] as const;
  readonly #pop = new Population('NRH-3', 'no encumbrances in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'encumber') return;
    if (rec.from_wallet == null) {
      this.#pop.notTested(ctx, 'encumber without from_wallet');
      return;
    }
    const wallet = ctx.ref.wallets.get(rec.from_wallet);
    if (wallet === undefined) {
      this.#pop.notTested(ctx, `encumbered ${UNKNOWN_WALLET}`);
      return;
    }
    this.#pop.examined(ctx);
    if (wallet.kind !== 'client_collateral') return;
    const asset = rec.asset ?? '?';
    ctx.sink.report(
      eventFinding(
        'NRH-3',
        item,
        `Encumber ${rec.event_id} (seq ${rec.seq}) placed a lien for ${rec.counterparty} over ${rec.qty} ${asset} in client_collateral wallet ${rec.from_wallet}.`,
        {
          wallet_id: rec.from_wallet,
          owner_entity_id: wallet.owner_entity_id,
          counterparty: rec.counterparty ?? null,
          asset,
          qty: rec.qty ?? null,
          ledger_holdings: this.ledger.holding(rec.from_wallet, asset).toString(),
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
