/**
 * A hand-made contract-2 dataset for the shared order book: routed orders on two symbols (two partitions) that are
 * pre-funded to the cent, a cent short, short after an amend, a market buy; routed to approved, unapproved, non-FATF
 * and unknown venues; trades naming a routed maker and a routed taker; a snapshot with a route; margin events with an
 * unknown account, an unknown symbol and a ref naming no liquidation; settlement legs settled DvP, free of payment,
 * in two batches, a leg missing, and legs of an order that is not routed. `venues` and `settlements` say whether
 * those folders are written (without them, SOB-2 and SOB-3 report "not tested").
 */
import { jsonl, startDataset } from './datasetFiles.js';

/** What the dataset is built to show, per check (subjects, sorted as findings.jsonl sorts them). */
export const SHARED_BOOK_FINDINGS = [
  'CP-1 t-2',
  'DQ-1 orders/orders.jsonl:9',
  'DQ-3 t-1',
  'DQ-3 t-2',
  'DQ-4 orders+trades:9-9',
  'DQ-5 C-404',
  'DQ-5 DOGE-PERP',
  'DQ-5 L-missing',
  'DQ-5 ZZ-UNKNOWN',
  'DQ-5 local-1',
  'SOB-1 r-amended',
  'SOB-1 r-cent-short',
  'SOB-1 r-unapproved',
  'SOB-2 r-non-fatf',
  'SOB-2 r-unapproved',
  'SOB-3 x-2',
  'SOB-3 x-4',
];

export async function writeSharedBookDataset(
  root: string,
  opts: { venues: boolean; settlements: boolean },
): Promise<void> {
  const put = await startDataset(root, 2);
  await put(
    'accounts/accounts.jsonl',
    jsonl([
      { account_id: 'MM-1', entity_id: 'E-MM', role: 'affiliated_mm', investor_class: null },
      { account_id: 'C-1', entity_id: 'E-C1', role: 'client', investor_class: 'professional' },
      { account_id: 'C-2', entity_id: 'E-C2', role: 'client', investor_class: 'professional' },
    ]),
  );
  await put('staff/staff.jsonl', jsonl([{ user_id: 'u-mm', entity_id: 'E-MM', function: 'market_making' }]));
  await put(
    'wallets/wallets.jsonl',
    jsonl([{ wallet_id: 'w-cc', owner_entity_id: 'E-OP', kind: 'client_collateral' }]),
  );
  await put(
    'instruments/instruments.jsonl',
    jsonl([
      { symbol: 'BTC-USD', product: 'spot', reference_asset: 'BTC', retail_spot_approved: true },
      { symbol: 'ETH-USD', product: 'spot', reference_asset: 'ETH', retail_spot_approved: true },
      {
        symbol: 'BTC-PERP',
        product: 'perpetual',
        reference_asset: 'BTC',
        retail_spot_approved: true,
        reference_index_iosco: true,
      },
    ]),
  );
  if (opts.venues) {
    await put(
      'venues/venues.jsonl',
      jsonl([
        { venue_id: 'SG-OK', jurisdiction: 'SG', fatf_member: true, shared_book_approved: true },
        { venue_id: 'GB-UNAPPROVED', jurisdiction: 'GB', fatf_member: true, shared_book_approved: false },
        { venue_id: 'XX-NON-FATF', jurisdiction: 'XX', fatf_member: false, shared_book_approved: true },
      ]),
    );
  }
  const ts = (s: number) => `2026-02-12T01:00:${String(s).padStart(2, '0')}Z`;
  const order = (seq: number, o: Record<string, unknown>) => ({
    seq,
    ts: ts(seq),
    type: 'limit',
    tif: 'gtc',
    mm_tag: false,
    ...o,
  });
  const routed = (seq: number, id: string, symbol: string, o: Record<string, unknown>) =>
    order(seq, { event: 'new', order_id: id, symbol, account_id: 'C-1', ...o });
  await put(
    'orders/orders.jsonl',
    jsonl([
      // BTC-USD: pre-funded to the cent, a cent short, short after an amend; a market buy (not tested).
      routed(1, 'r-exact', 'BTC-USD', {
        side: 'buy',
        price: '3333.33',
        qty: '3',
        route: 'SG-OK',
        prefunded: '9999.99',
      }),
      routed(2, 'r-cent-short', 'BTC-USD', {
        side: 'buy',
        price: '3333.33',
        qty: '3',
        route: 'SG-OK',
        prefunded: '9999.98',
      }),
      routed(3, 'r-amended', 'BTC-USD', { side: 'sell', price: '100', qty: '2', route: 'SG-OK', prefunded: '2' }),
      order(4, {
        event: 'amend',
        order_id: 'r-amended',
        symbol: 'BTC-USD',
        account_id: 'C-1',
        side: 'sell',
        price: '100',
        qty: '2',
        prefunded: '1.99999999',
      }),
      routed(5, 'r-market', 'BTC-USD', {
        side: 'buy',
        type: 'market',
        price: null,
        qty: '1',
        tif: 'ioc',
        route: 'SG-OK',
      }),
      // ETH-USD: venues not approved, not FATF, unknown; an unapproved one also short.
      routed(6, 'r-unapproved', 'ETH-USD', { side: 'sell', price: '10', qty: '1', route: 'GB-UNAPPROVED' }),
      routed(7, 'r-non-fatf', 'ETH-USD', { side: 'sell', price: '10', qty: '1', route: 'XX-NON-FATF', prefunded: '1' }),
      routed(8, 'r-unknown', 'ETH-USD', { side: 'sell', price: '10', qty: '1', route: 'ZZ-UNKNOWN', prefunded: '1' }),
      // A snapshot with a route fails the contract (DQ-1); its seq is then absent (DQ-4 9-9).
      order(9, {
        event: 'snapshot',
        order_id: 's-routed',
        symbol: 'ETH-USD',
        account_id: 'C-2',
        side: 'buy',
        price: '9',
        qty: '1',
        route: 'SG-OK',
      }),
      order(10, {
        event: 'new',
        order_id: 'eth-buy',
        symbol: 'ETH-USD',
        account_id: 'C-2',
        side: 'buy',
        price: '10',
        qty: '1',
        tif: 'ioc',
      }),
      // BTC-USD: an MM sell and a client sell rest at 100; a routed buy takes the MM's (t-2).
      order(12, {
        event: 'new',
        order_id: 'mm-sell',
        symbol: 'BTC-USD',
        account_id: 'MM-1',
        side: 'sell',
        price: '100',
        qty: '1',
        mm_tag: true,
      }),
      order(13, {
        event: 'new',
        order_id: 'c-sell',
        symbol: 'BTC-USD',
        account_id: 'C-2',
        side: 'sell',
        price: '100',
        qty: '1',
      }),
      routed(14, 'r-taker', 'BTC-USD', { side: 'buy', price: '100', qty: '1', route: 'SG-OK', prefunded: '100' }),
      order(16, {
        event: 'new',
        order_id: 'local-1',
        symbol: 'ETH-USD',
        account_id: 'C-2',
        side: 'sell',
        price: '10',
        qty: '1',
      }),
    ]),
  );
  await put(
    'trades/trades.jsonl',
    jsonl([
      // The maker is routed: DQ-3 "routed order", not CP-tested.
      {
        seq: 11,
        ts: ts(11),
        trade_id: 't-1',
        symbol: 'ETH-USD',
        price: '10',
        qty: '1',
        maker_order_id: 'r-non-fatf',
        taker_order_id: 'eth-buy',
        maker_mm_tag: false,
        taker_mm_tag: false,
      },
      // The taker is routed: DQ-3 "routed order", and CP-1 as any trade (a client sell rests at the MM's price).
      {
        seq: 15,
        ts: ts(15),
        trade_id: 't-2',
        symbol: 'BTC-USD',
        price: '100',
        qty: '1',
        maker_order_id: 'mm-sell',
        taker_order_id: 'r-taker',
        maker_mm_tag: true,
        taker_mm_tag: false,
      },
    ]),
  );
  const m = (seq: number, e: Record<string, unknown>) => ({ seq, ts: ts(seq), event_id: `m-${seq}`, ...e });
  await put(
    'margin/margin.jsonl',
    jsonl([
      m(1, { event: 'deposit', account_id: 'C-1', asset: 'HKD', asset_class: 'fiat', amount: '1000' }),
      m(2, { event: 'deposit', account_id: 'C-404', asset: 'HKD', asset_class: 'fiat', amount: '10' }),
      m(3, {
        event: 'liquidation',
        account_id: 'C-1',
        symbol: 'BTC-PERP',
        position_qty: '1',
        mark_price: '100',
        amount: '-10',
      }),
      m(4, { event: 'insurance', amount: '100' }),
      m(5, { event: 'insurance', amount: '-5', account_id: 'C-1', ref: 'L-missing' }),
      m(6, { event: 'pnl', account_id: 'C-1', symbol: 'DOGE-PERP', amount: '5' }),
    ]),
  );
  if (opts.settlements) {
    const s = (seq: number, e: Record<string, unknown>) => ({
      seq,
      ts: ts(seq),
      event_id: `s-${seq}`,
      leg: 'asset',
      qty: '1',
      mechanism: 'dvp',
      batch_id: 'b-1',
      ...e,
    });
    await put(
      'settlements/settlements.jsonl',
      jsonl([
        s(1, { exec_id: 'x-1', order_id: 'r-non-fatf' }),
        s(2, { exec_id: 'x-1', order_id: 'r-non-fatf', leg: 'cash', qty: '10' }),
        s(3, { exec_id: 'x-2', order_id: 'r-exact' }),
        s(4, {
          exec_id: 'x-2',
          order_id: 'r-exact',
          leg: 'cash',
          qty: '3333.33',
          mechanism: 'free_of_payment',
          batch_id: 'b-2',
        }),
        s(5, { exec_id: 'x-3', order_id: 'local-1' }),
        s(6, { exec_id: 'x-3', order_id: 'local-1', leg: 'cash', qty: '10' }),
        s(7, { exec_id: 'x-4', order_id: 'r-taker' }),
      ]),
    );
  }
}
