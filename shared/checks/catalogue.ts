/**
 * The checks of RULES.md (contract 1) and V2.md (contract 2): id, family, the compliant condition in one line, and
 * what a finding means. The report, summary and findings titles read from here so that every surface says the same
 * thing. A check has the contract version that brought it: a dataset of contract 1 is judged by the contract-1 checks
 * only, and its outputs list no other (V2.md: "a contract 1 dataset gives exactly its version-1 findings").
 */
import type { Severity } from '../contract/finding.js';
import type { ContractVersion } from '../contract/records.js';
import { UnknownCheckError } from './errors.js';

/**
 * The version of the rules a dataset is judged by: RULES.md alone for contract 1, RULES.md with V2.md for contract 2.
 * It is part of the run id, so a contract-1 run keeps the run id (and bytes) it had before V2.md.
 */
export function rulesVersionOf(contract: ContractVersion): string {
  return String(contract);
}

export type CheckFamily = 'CP' | 'MMT' | 'FS' | 'NRH' | 'MF' | 'PERP' | 'SOB' | 'DQ';

export interface CheckMeta {
  id: string;
  family: CheckFamily;
  /** The severity, or the highest severity, the check can report. */
  severity: Severity;
  /** Subject: the identifier that names a finding of it. */
  subject: string;
  /** What a finding of this check means, as a title. */
  title: string;
  /** The compliant condition, one line. */
  compliant: string;
  /**
   * What the population counts, in the plural: one kind of thing, the unit of both its examined and its not-tested
   * counts (findings may be per another subject, e.g. FS-3 counts order events and reports sessions).
   */
  population: string;
  /** The data contract version that brought the check (V2.md's checks: 2). */
  since: ContractVersion;
}

export const FAMILY_MEASURES: Record<CheckFamily, { name: string; measure: string; duty: string }> = {
  CP: {
    name: 'Customer priority',
    measure: 'Affiliated market makers on licensed VATPs (SFC circular, 11 Feb 2026)',
    duty: "Client orders take precedence over the affiliated market maker's orders at the same price level.",
  },
  MMT: {
    name: 'Market-maker order tagging',
    measure: 'Affiliated market makers on licensed VATPs (SFC circular, 11 Feb 2026)',
    duty: 'Market-making activity is effectively identified and can be told apart from client flow.',
  },
  FS: {
    name: 'Functional separation',
    measure: 'Affiliated market makers on licensed VATPs (SFC circular, 11 Feb 2026)',
    duty: 'The market maker is functionally independent of the platform operator: separate staff, information barriers; the operator does not trade for its own account.',
  },
  NRH: {
    name: 'No re-hypothecation of client collateral',
    measure: 'Virtual-asset margin financing by brokers (SFC circular, 11 Feb 2026)',
    duty: 'VA collateral is not re-pledged, re-used or otherwise encumbered, except when enforcing it after a default.',
  },
  MF: {
    name: 'Margin financing against virtual assets',
    measure: 'Virtual-asset margin financing by brokers (SFC circular, 11 Feb 2026)',
    duty: 'Only securities margin clients; eligible VA collateral BTC and ETH; haircut at least 60 %; no credit-limit raises because of VA financing; timely margin calls.',
  },
  PERP: {
    name: 'Perpetual contracts',
    measure: 'High-level framework for perpetual contracts on licensed platforms (11 Feb 2026)',
    duty: 'Perpetuals only for professional investors, on reference assets approved for retail spot trading or an IOSCO-compliant index; margin only in fiat, HKMA-licensed stablecoins or tokenized deposits, never platform credit; transparent funding; the insurance fund before auto-deleveraging.',
  },
  SOB: {
    name: 'Shared order books',
    measure: 'Shared order books with overseas affiliated platforms (SFC, November 2025)',
    duty: 'Orders sent to an overseas affiliate’s shared order book are fully pre-funded, go only to approved venues in FATF jurisdictions, and settle delivery-versus-payment.',
  },
  DQ: {
    name: 'Data quality and completeness',
    measure: 'Record keeping and independent review',
    duty: 'Every record accounted for; gaps and inconsistencies disclosed.',
  },
};

const c = (
  id: string,
  family: CheckFamily,
  severity: Severity,
  subject: string,
  title: string,
  compliant: string,
  population: string,
  since: ContractVersion = 1,
): CheckMeta => ({ id, family, severity, subject, title, compliant, population, since });

export const CHECKS: readonly CheckMeta[] = [
  c(
    'CP-1',
    'CP',
    'critical',
    'trade_id',
    'Affiliated MM filled ahead of a resting protected order at the same price',
    'No affiliated-MM maker fill while a protected order with visible quantity rests at the same price.',
    'continuous-phase fills whose maker is an affiliated MM order resting in the book',
  ),
  c(
    'CP-2',
    'CP',
    'critical',
    'trade_id',
    'Affiliated MM filled while a protected order rested at a better price',
    'No affiliated-MM maker fill while a protected order with visible quantity rests at a better price.',
    'continuous-phase fills whose maker is an affiliated MM order resting in the book',
  ),
  c(
    'MMT-1',
    'MMT',
    'high',
    'order_id',
    'Affiliated MM order not tagged as market making',
    'Every affiliated MM order carries mm_tag = true at new/snapshot and every amend.',
    'new, snapshot and amend events of affiliated MM accounts',
  ),
  c(
    'MMT-2',
    'MMT',
    'medium',
    'order_id',
    'Client or platform order tagged as market making',
    'No order of a client or platform account carries mm_tag = true.',
    'new, snapshot and amend events of client and platform accounts',
  ),
  c(
    'MMT-3',
    'MMT',
    'medium',
    'order_id',
    'Market-making tag changed during the order’s life',
    'An order keeps the mm_tag it was entered with.',
    'amends of known orders',
  ),
  c(
    'MMT-4',
    'MMT',
    'medium',
    'trade_id',
    'Trade report tag differs from the order’s tag',
    "A trade's maker/taker mm_tag equals the mm_tag of that order at the time of the trade.",
    'trades whose orders are known',
  ),
  c(
    'FS-1',
    'FS',
    'high',
    'order_id',
    'Affiliated MM order entered by someone other than MM-entity market-making staff',
    "Every user on an affiliated MM account's orders is market_making staff of an MM entity.",
    'affiliated MM orders',
  ),
  c(
    'FS-2',
    'FS',
    'high',
    'order_id',
    'Client or platform order entered by MM-entity staff',
    "No user of an MM entity acts on a protected or platform account's order.",
    'orders of protected and platform accounts',
  ),
  c(
    'FS-3',
    'FS',
    'high',
    'session_id',
    'Trading session shared by the affiliated MM and other accounts',
    'A gateway session carries orders of affiliated MM accounts only, or of none.',
    'order events (with a session_id: examined; without: not tested)',
  ),
  c(
    'FS-4',
    'FS',
    'high',
    'event_id',
    'MM-entity staff accessed restricted data',
    'MM-entity staff never access restricted resources.',
    'access events',
  ),
  c(
    'FS-5',
    'FS',
    'medium',
    'source_ip',
    'Source IP shared by MM-entity staff and operator staff',
    'No source IP is used both by MM-entity staff and by operator-entity staff.',
    'order and access events of MM-entity and operator staff (with a source IP: examined)',
  ),
  c(
    'FS-6',
    'FS',
    'high',
    'account_id',
    'Operator traded for its own account',
    'No order of a platform account (one finding per platform account that placed orders).',
    'orders (new and snapshot) of accounts in the reference data',
  ),
  c(
    'FS-7',
    'FS',
    'high',
    'user_id',
    'Operator employs market-making staff',
    'No market_making staff member is employed by the operator entity.',
    'staff members',
  ),
  c(
    'NRH-1',
    'NRH',
    'critical',
    'event_id',
    'Client collateral moved out of segregated custody',
    'A transfer out of a client_collateral wallet goes only to another client_collateral wallet.',
    'transfers',
  ),
  c(
    'NRH-2',
    'NRH',
    'critical',
    'event_id',
    'Collateral enforced without a prior default',
    'Every enforce follows a default on that loan.',
    'enforcements',
  ),
  c(
    'NRH-3',
    'NRH',
    'critical',
    'event_id',
    'Client collateral wallet encumbered',
    'No lien or security interest over a client_collateral wallet.',
    'encumbrances',
  ),
  c(
    'NRH-4',
    'NRH',
    'critical',
    'event_id',
    'Custody holds less collateral than the ledger says',
    'Custody balances of client_collateral wallets are at least their ledger holdings.',
    'custody balances of client_collateral wallets',
  ),
  c(
    'NRH-5',
    'NRH',
    'high',
    'event_id',
    'Collateral pledged or released to the wrong wallet',
    "Pledges go into client_collateral wallets; releases go to the client's own client_free wallet.",
    'pledges and releases',
  ),
  c(
    'MF-1',
    'MF',
    'high',
    'event_id',
    'Ineligible virtual asset pledged as collateral',
    'Virtual-asset collateral is one of the eligible assets.',
    'virtual-asset pledges',
  ),
  c(
    'MF-2',
    'MF',
    'high',
    'event_id',
    'Virtual-asset collateral haircut below the floor',
    'Virtual-asset pledges carry a haircut of at least the floor.',
    'virtual-asset pledges',
  ),
  c(
    'MF-3',
    'MF',
    'high',
    'event_id',
    'Loan drawn beyond its collateral’s lending value',
    "After every draw the loan's outstanding amount is within its collateral's lending value.",
    'loan draws',
  ),
  c(
    'MF-4',
    'MF',
    'high',
    'event_id',
    'VA-backed loan to an account that is not a securities margin client',
    'Loans backed by virtual assets are drawn only by securities margin clients.',
    'loan draws',
  ),
  c(
    'MF-5',
    'MF',
    'medium',
    'event_id',
    'Credit limit raised within 24 h of a first VA pledge',
    "No credit-limit increase within 24 h after an account's first virtual-asset pledge.",
    'credit-limit events',
  ),
  c(
    'MF-6',
    'MF',
    'medium',
    'event_id',
    'No timely margin call after a valuation left a loan under-collateralised',
    'Every loan left short by a valuation gets a margin call within the window.',
    'valuations',
  ),
  c(
    'MF-7',
    'MF',
    'medium',
    'asset',
    'Virtual-asset collateral went unpriced for longer than the monitoring window',
    'While a loan holds a virtual asset, the asset is priced at least every valuation_max_gap.',
    'loans holding virtual-asset lots',
    2,
  ),
  c(
    'PERP-1',
    'PERP',
    'high',
    'order_id',
    'Perpetual contract order by a non-professional client',
    'Perpetual orders of client accounts come only from professional investors.',
    'orders on perpetual instruments',
  ),
  c(
    'PERP-2',
    'PERP',
    'high',
    'symbol',
    'Perpetual on a reference asset not approved for retail spot trading',
    'Every perpetual references an asset approved for retail spot trading (contract 2: or an IOSCO-compliant index).',
    'perpetual instruments',
  ),
  c(
    'PERP-3',
    'PERP',
    'high',
    'event_id',
    'Perpetual margin posted in an asset class that is not allowed',
    'Perpetual margin is posted only in fiat, HKMA-licensed stablecoins or tokenized deposits.',
    'margin deposits',
    2,
  ),
  c(
    'PERP-4',
    'PERP',
    'critical',
    'event_id',
    'The platform gave perpetual margin credit',
    'No margin credit from the platform, and no balance-reducing event leaves a margin balance below zero.',
    'margin credits and balance-reducing margin events',
    2,
  ),
  c(
    'PERP-5',
    'PERP',
    'high',
    'event_id',
    'Liquidation deficit not fully covered',
    'Every liquidation deficit is covered by insurance-fund payouts and auto-deleveraging by the end of the ledger.',
    'liquidations with a deficit',
    2,
  ),
  c(
    'PERP-6',
    'PERP',
    'high',
    'event_id',
    'Auto-deleveraging while the insurance fund could cover the deficit',
    'Auto-deleveraging only once the insurance fund cannot cover what is left of the deficit.',
    'auto-deleveraging events',
    2,
  ),
  c(
    'PERP-7',
    'PERP',
    'high',
    'event_id',
    'Funding payment not at the published rate or miscalculated',
    'Each funding payment uses the published rate of its interval and equals −position × mark price × rate, rounded.',
    'funding payments',
    2,
  ),
  c(
    'SOB-1',
    'SOB',
    'critical',
    'order_id',
    'Order routed to a shared order book without full pre-funding',
    'Every routed order is fully pre-funded as it stands after each new and amend.',
    'routed orders',
    2,
  ),
  c(
    'SOB-2',
    'SOB',
    'high',
    'order_id',
    'Order routed to a venue not approved or outside the FATF',
    'Orders are routed only to approved shared-book venues in FATF member jurisdictions.',
    'routed orders',
    2,
  ),
  c(
    'SOB-3',
    'SOB',
    'high',
    'exec_id',
    'Shared-book execution not settled delivery-versus-payment',
    'Each shared-book execution settles one asset leg and one cash leg, both DvP, in one batch.',
    'shared-book executions',
    2,
  ),
  c(
    'DQ-1',
    'DQ',
    'medium',
    'path:line',
    'Record fails the data contract',
    'Every record meets the data contract and every file reads to its end.',
    'records read',
  ),
  c(
    'DQ-2',
    'DQ',
    'high',
    'stream:seq',
    'Sequence number appears more than once',
    'Each seq appears once in its sequence.',
    'sequence numbers',
  ),
  c(
    'DQ-3',
    'DQ',
    'high',
    'trade_id',
    'Trade inconsistent with the order book',
    'Every trade matches a resting maker and an open taker of its symbol, within open quantity, at the maker’s price.',
    'trades',
  ),
  c(
    'DQ-4',
    'DQ',
    'high',
    'stream:from-to',
    'Gap in a sequence',
    'Each sequence is gap-free between its lowest and highest seq.',
    'sequence numbers',
  ),
  c(
    'DQ-5',
    'DQ',
    'medium',
    'id',
    'Reference to an unknown account, wallet or instrument',
    'Every referenced account, wallet and instrument is in its reference folder (contract 2: every route names a venue, every settled order a routed order, every margin ref an earlier liquidation).',
    'references to accounts, wallets and instruments (contract 2: and to venues, routed orders and liquidations)',
  ),
  c(
    'DQ-6',
    'DQ',
    'medium',
    'order_id',
    'Order event for an unknown or closed order, or a repeated new',
    'Order events refer to known, open orders; an order is entered once.',
    'order events',
  ),
];

export const CHECK_BY_ID: ReadonlyMap<string, CheckMeta> = new Map(CHECKS.map((m) => [m.id, m]));

/** The checks a dataset of this contract version is judged by, in catalogue order. */
export function checksOf(contract: ContractVersion): CheckMeta[] {
  return CHECKS.filter((m) => m.since <= contract);
}

export function checkMeta(id: string): CheckMeta {
  const m = CHECK_BY_ID.get(id);
  if (m === undefined) throw new UnknownCheckError(id);
  return m;
}
