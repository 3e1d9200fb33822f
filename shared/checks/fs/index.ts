/** FS: functional separation (FS-1..FS-7). A fresh set of rules, with fresh state, per run. */
import type { Rule } from '../rule.js';
import { marketMakerOrderUsersRule } from './marketMakerOrderUsers.js';
import { operatorMarketMakingStaffRule } from './operatorMarketMakingStaff.js';
import { operatorProprietaryTradingRule } from './operatorProprietaryTrading.js';
import { protectedOrderUsersRule } from './protectedOrderUsers.js';
import { restrictedDataAccessRule } from './restrictedDataAccess.js';
import { sharedSourceIpRule } from './sharedSourceIp.js';
import { sharedTradingSessionRule } from './sharedTradingSession.js';

export function functionalSeparationRules(): Rule[] {
  return [
    marketMakerOrderUsersRule(),
    protectedOrderUsersRule(),
    sharedTradingSessionRule(),
    restrictedDataAccessRule(),
    sharedSourceIpRule(),
    operatorProprietaryTradingRule(),
    operatorMarketMakingStaffRule(),
  ];
}

export {
  marketMakerOrderUsersRule,
  operatorMarketMakingStaffRule,
  operatorProprietaryTradingRule,
  protectedOrderUsersRule,
  restrictedDataAccessRule,
  sharedSourceIpRule,
  sharedTradingSessionRule,
};
