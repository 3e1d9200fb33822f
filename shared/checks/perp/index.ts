/** PERP: perpetual contracts (PERP-1, PERP-2). A fresh set of rules, with fresh state, per run. */
import type { Rule } from '../rule.js';
import { perpetualReferenceAssetRule } from './perpetualReferenceAsset.js';
import { perpetualRetailAccessRule } from './perpetualRetailAccess.js';

export function perpetualRules(): Rule[] {
  return [perpetualRetailAccessRule(), perpetualReferenceAssetRule()];
}

export { perpetualReferenceAssetRule, perpetualRetailAccessRule };
