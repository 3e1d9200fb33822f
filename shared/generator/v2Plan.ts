/**
 * The injections data contract 2 adds to the generator's plan (V2.md): one kind per way a check can fail, and the near
 * misses at the exact boundaries V2.md draws (recording nothing, or only what the boundary makes of it). Each runs as
 * often as a contract-1 kind.
 */
import type { Collateral } from './collateral.js';
import type { MarginFlow } from './marginFlow.js';
import type { SharedBook } from './sharedBook.js';

export interface Injection {
  name: string;
  run: () => void;
}

/** A perpetual whose asset is not retail-approved but whose index complies with IOSCO's principles: no PERP-2. */
export const INDEX_PERPETUAL = { symbol: 'VAIDX-PERP', reference: 'VAIDX' } as const;

export function contractTwoInjections(d: {
  collateral: Collateral;
  margin: MarginFlow;
  book: SharedBook;
}): Injection[] {
  const { collateral, margin, book } = d;
  const each = <K extends string>(prefix: string, kinds: readonly K[], run: (k: K) => void): Injection[] =>
    kinds.map((k) => ({ name: `${prefix}-${k}`, run: () => run(k) }));
  return [
    // Perpetual margin (PERP-3..7) and its data quality.
    { name: 'PERP-3', run: () => margin.injectPerp3() },
    ...each('PERP-4', ['credit', 'withdraw', 'fee', 'pnl', 'funding', 'unknown-account-credit'] as const, (k) =>
      margin.injectPerp4(k),
    ),
    ...each('near-PERP-4', ['withdraw-to-zero', 'positive-while-negative'] as const, (k) => margin.nearMissPerp4(k)),
    ...each('PERP-5', ['partial', 'none', 'unknown-ref', 'early-ref'] as const, (k) => margin.injectPerp5(k)),
    ...each('PERP-6', ['fund-equal', 'fund-could-cover', 'nothing-left', 'no-deficit'] as const, (k) =>
      margin.injectPerp6(k),
    ),
    ...each(
      'near-waterfall',
      ['split-cover', 'over-cover', 'waterfall', 'fund-short-by-a-cent', 'adl-unknown-ref'] as const,
      (k) => margin.nearMissWaterfall(k),
    ),
    ...each('PERP-7', ['stale-rate', 'unpublished', 'own-seq', 'half-toward-zero', 'rate-and-amount'] as const, (k) =>
      margin.injectPerp7(k),
    ),
    ...each(
      'near-PERP-7',
      ['tie-paid', 'tie-received', 'own-seq-ignored', 'interval-as-instant', 'corrected-rate'] as const,
      (k) => margin.nearMissFunding(k),
    ),
    ...each('DQ-5-margin', ['account', 'symbol'] as const, (k) => margin.injectDq5(k)),
    { name: 'near-DQ-5-spot-symbol', run: () => margin.nearMissSpotSymbol() },
    { name: 'DQ-1-margin', run: () => margin.injectDq1() },
    { name: 'DQ-2-margin', run: () => margin.injectDq2() },
    { name: 'DQ-4-margin', run: () => margin.injectDq4() },
    // Routed orders and their settlement (SOB-1..3, DQ-3, DQ-5) and the data quality of `settlements`.
    ...each('SOB-1', ['buy-short', 'sell-short', 'null', 'amend-up', 'market-sell-short'] as const, (k) =>
      book.injectSob1(k),
    ),
    ...each('near-SOB-1', ['buy-exact', 'sell-exact', 'market-buy-null', 'amend-after-cancel'] as const, (k) =>
      book.nearMissSob1(k),
    ),
    ...each('SOB-2', ['unapproved', 'non-fatf'] as const, (k) => book.injectSob2(k)),
    { name: 'DQ-5-venue', run: () => book.injectUnknownVenue(false) },
    { name: 'DQ-5-venue-short', run: () => book.injectUnknownVenue(true) },
    ...each(
      'SOB-3',
      ['missing-asset', 'missing-cash', 'asset-twice', 'cash-twice', 'fop', 'split-batch'] as const,
      (k) => book.injectSob3(k),
    ),
    ...each('DQ-5-settled', ['unknown', 'local'] as const, (k) => book.injectSettledUnrouted(k)),
    ...each('DQ-3-routed', ['taker', 'maker'] as const, (k) => book.injectRoutedTrade(k)),
    { name: 'near-CP-routed-maker', run: () => book.injectRoutedMarketMakerFill() },
    { name: 'DQ-1-settlements', run: () => book.injectDq1() },
    { name: 'DQ-2-settlements', run: () => book.injectDq2() },
    { name: 'DQ-4-settlements', run: () => book.injectDq4() },
    // Real-time monitoring of virtual-asset collateral (MF-7).
    ...each('MF-7', ['gap', 'gap-at-valuation', 'tail', 'seq-order'] as const, (k) => collateral.injectMf7(k)),
    ...each('near-MF-7', ['edge', 'backwards'] as const, (k) => collateral.nearMissMf7(k)),
  ];
}
