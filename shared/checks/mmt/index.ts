/** MMT: market-maker order tagging (MMT-1..MMT-4). Fresh rule objects per run. */
import type { Rule } from '../rule.js';
import { NonMarketMakerTaggedRule } from './nonMarketMakerTagged.js';
import { TagChangedDuringLifeRule } from './tagChangedDuringLife.js';
import { TradeTagMismatchRule } from './tradeTagMismatch.js';
import { UntaggedMarketMakerOrderRule } from './untaggedMarketMakerOrder.js';

export function marketMakerTaggingRules(): Rule[] {
  return [
    new UntaggedMarketMakerOrderRule(),
    new NonMarketMakerTaggedRule(),
    new TagChangedDuringLifeRule(),
    new TradeTagMismatchRule(),
  ];
}

export { NonMarketMakerTaggedRule, TagChangedDuringLifeRule, TradeTagMismatchRule, UntaggedMarketMakerOrderRule };
