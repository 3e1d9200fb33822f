/**
 * MMT-4 (medium, subject trade_id). Compliant: a trade's maker_mm_tag and taker_mm_tag equal the mm_tag of that order
 * as the replay knows it at the time of the trade. An order unknown to the replay is left to DQ-3; a trade with both
 * orders unknown is not tested.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the trade report must identify market-making activity
 * the same way the order does, or reviewers reading trades would misattribute fills.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { Trade } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';

const ID = 'MMT-4';
export const BOTH_UNKNOWN = 'maker and taker orders unknown to the replay (see DQ-3)';

export class TradeTagMismatchRule implements Rule {
  readonly checks = [ID] as const;
  readonly #population = new PopulationCounter(ID);

  onTrade(item: Located<Trade>, maker: OrderView | undefined, taker: OrderView | undefined, ctx: RuleContext): void {
    if (maker === undefined && taker === undefined) {
      this.#population.notTested(BOTH_UNKNOWN);
      return;
    }
    this.#population.examined++;
    const t = item.rec;
    const makerDiffers = maker !== undefined && maker.mm_tag !== t.maker_mm_tag;
    const takerDiffers = taker !== undefined && taker.mm_tag !== t.taker_mm_tag;
    if (!makerDiffers && !takerDiffers) return;
    const parts: string[] = [];
    if (makerDiffers) {
      parts.push(`maker_mm_tag ${t.maker_mm_tag} but maker order ${maker.order_id} has mm_tag ${maker.mm_tag}`);
    }
    if (takerDiffers) {
      parts.push(`taker_mm_tag ${t.taker_mm_tag} but taker order ${taker.order_id} has mm_tag ${taker.mm_tag}`);
    }
    ctx.sink.report({
      check_id: ID,
      severity: 'medium',
      subject: t.trade_id,
      symbol: t.symbol,
      account_id: makerDiffers ? maker!.account_id : taker!.account_id,
      seq: t.seq,
      ts: t.ts,
      title: checkMeta(ID).title,
      detail: `Trade ${t.trade_id} (seq ${t.seq}) reports ${parts.join(', and ')}.`,
      evidence: {
        trade_id: t.trade_id,
        seq: t.seq,
        file: item.file,
        line: item.line,
        maker: side(t.maker_order_id, t.maker_mm_tag, maker),
        taker: side(t.taker_order_id, t.taker_mm_tag, taker),
      },
    });
  }

  /** Only population counts (flushed in finish) carry over a checkpoint. */
  saveState(): PopulationState {
    return this.#population.saveState();
  }

  loadState(state: unknown): void {
    this.#population.loadState(state as PopulationState);
  }

  finish(ctx: RuleContext): void {
    this.#population.flush(ctx.sink);
  }
}

function side(id: string, reported: boolean, o: OrderView | undefined): Record<string, unknown> {
  return {
    order_id: id,
    known: o !== undefined,
    account_id: o?.account_id ?? null,
    trade_mm_tag: reported,
    order_mm_tag: o?.mm_tag ?? null,
  };
}
