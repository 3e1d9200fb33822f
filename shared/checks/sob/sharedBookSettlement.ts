/**
 * SOB-3 (high, subject exec_id). Compliant: by the end of `settlements`, each shared-book execution has exactly one
 * `asset` leg and one `cash` leg, both with mechanism `dvp`, both in the same `batch_id` (shared/sharedbook/
 * settlementLegs.ts). A finding lists every reason that holds: no asset leg, no cash leg, a leg twice, a leg not
 * `dvp`, legs in different batches.
 * Why: SFC, shared order books with overseas affiliated platforms: executions on the shared book settle
 * delivery-versus-payment, so that neither the client's asset nor the money moves without the other.
 *
 * Reported at the end of the stream, when every leg is known. Population: executions (distinct exec_id). Without a
 * `settlements/` folder the check is not tested (count 0: the executions cannot be counted).
 */
import type { Located } from '../../contract/events.js';
import type { SettlementEvent } from '../../contract/recordsV2.js';
import { SettlementLegs, type SettlementLegsState, settlementReasons } from '../../sharedbook/settlementLegs.js';
import { checkMeta } from '../catalogue.js';
import type { Rule, RuleContext } from '../rule.js';

const ID = 'SOB-3';
export const SETTLEMENTS_ABSENT = 'settlements/ folder absent';
export const NO_SETTLEMENTS = 'the settlements folder holds no records';

export class SharedBookSettlementRule implements Rule {
  readonly checks = [ID] as const;
  #legs = new SettlementLegs();

  onSettlement(item: Located<SettlementEvent>, _ctx: RuleContext): void {
    this.#legs.add(item.rec, item);
  }

  /** Checkpoint: every execution's legs so far. */
  saveState(): SettlementLegsState {
    return this.#legs.saveState();
  }

  loadState(state: unknown): void {
    this.#legs = new SettlementLegs();
    this.#legs.loadState(state as SettlementLegsState);
  }

  finish(ctx: RuleContext): void {
    if (!ctx.ref.folders.has('settlements')) {
      ctx.sink.notTested(ID, SETTLEMENTS_ABSENT, 0);
      return;
    }
    if (this.#legs.size === 0) {
      ctx.sink.notTested(ID, NO_SETTLEMENTS, 0);
      return;
    }
    ctx.sink.examined(ID, this.#legs.size);
    for (const e of this.#legs.executions()) {
      const reasons = settlementReasons(e);
      if (reasons.length === 0) continue;
      const first = e.legs[0]!;
      const legs = e.asset + e.cash;
      ctx.sink.report({
        check_id: ID,
        severity: 'high',
        subject: e.exec_id,
        symbol: null,
        account_id: null,
        seq: first.seq,
        ts: first.ts,
        title: checkMeta(ID).title,
        detail:
          `Shared-book execution ${e.exec_id} (order${e.orderIds.length === 1 ? '' : 's'} ${e.orderIds.join(', ')}) ` +
          `was not settled delivery-versus-payment: ${reasons.join('; ')} (${e.asset} asset and ${e.cash} cash ` +
          `leg${legs === 1 ? '' : 's'}, ${e.notDvp} not dvp, batch${e.batchIds.length === 1 ? '' : 'es'} ` +
          `${e.batchIds.join(', ')}).`,
        evidence: {
          exec_id: e.exec_id,
          reasons,
          asset_legs: e.asset,
          cash_legs: e.cash,
          not_dvp_legs: e.notDvp,
          legs_count: legs,
          batch_ids: e.batchIds,
          order_ids: e.orderIds,
          legs: e.legs,
        },
      });
    }
  }
}
