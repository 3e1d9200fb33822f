/**
 * A hand-made contract-1 dataset whose orders, trades, sessions, IPs and unknown ids cross symbols and partitions:
 * most of its findings need more than one symbol's (or partition's) view.
 */
import { jsonl, startDataset } from './datasetFiles.js';

export async function writeCrossingDataset(root: string): Promise<void> {
  const put = await startDataset(root, 1);
  await put(
    'accounts/accounts.jsonl',
    jsonl([
      { account_id: 'MM-1', entity_id: 'E-MM', role: 'affiliated_mm', investor_class: null },
      { account_id: 'C-1', entity_id: 'E-C1', role: 'client', investor_class: 'retail' },
      { account_id: 'C-2', entity_id: 'E-C2', role: 'client', investor_class: 'professional' },
      { account_id: 'P-1', entity_id: 'E-OP', role: 'platform', investor_class: null },
    ]),
  );
  await put(
    'staff/staff.jsonl',
    jsonl([
      { user_id: 'u-mm', entity_id: 'E-MM', function: 'market_making' },
      { user_id: 'u-op', entity_id: 'E-OP', function: 'platform_operations' },
    ]),
  );
  await put(
    'wallets/wallets.jsonl',
    jsonl([{ wallet_id: 'w-cc', owner_entity_id: 'E-OP', kind: 'client_collateral' }]),
  );
  await put(
    'instruments/instruments.jsonl',
    jsonl([
      { symbol: 'BTC-USD', product: 'spot', reference_asset: 'BTC', retail_spot_approved: true },
      { symbol: 'ETH-USD', product: 'spot', reference_asset: 'ETH', retail_spot_approved: true },
      { symbol: 'ADA-USD', product: 'spot', reference_asset: 'ADA', retail_spot_approved: true },
      { symbol: 'BTC-PERP', product: 'perpetual', reference_asset: 'DOGE', retail_spot_approved: false },
    ]),
  );
  const ts = (s: number) => `2026-02-12T01:00:${String(s).padStart(2, '0')}Z`;
  const order = (seq: number, o: Record<string, unknown>) => ({ seq, ts: ts(seq), ...o });
  await put(
    'orders/orders.jsonl',
    jsonl([
      order(1, {
        event: 'new',
        order_id: 'o-1',
        symbol: 'BTC-USD',
        account_id: 'MM-1',
        side: 'sell',
        type: 'limit',
        price: '100',
        qty: '1',
        tif: 'gtc',
        mm_tag: true,
        user_id: 'u-mm',
        session_id: 'S-1',
        source_ip: '10.0.0.1',
      }),
      order(2, {
        event: 'new',
        order_id: 'o-2',
        symbol: 'BTC-USD',
        account_id: 'C-1',
        side: 'sell',
        type: 'limit',
        price: '100',
        qty: '1',
        tif: 'gtc',
        mm_tag: false,
        user_id: 'c1',
        session_id: 'S-1',
        source_ip: '10.0.0.9',
      }),
      order(3, {
        event: 'new',
        order_id: 'o-3',
        symbol: 'ETH-USD',
        account_id: 'C-2',
        side: 'buy',
        type: 'limit',
        price: '100',
        qty: '1',
        tif: 'ioc',
        mm_tag: false,
        user_id: 'u-op',
        session_id: 'S-2',
        source_ip: '10.0.0.1',
      }),
      // An amend naming another (unknown) symbol than the order's: XRP-USD joins BTC-USD's partition.
      order(5, {
        event: 'amend',
        order_id: 'o-2',
        symbol: 'XRP-USD',
        account_id: 'C-1',
        side: 'sell',
        type: 'limit',
        price: '100',
        qty: '2',
        tif: 'gtc',
        mm_tag: false,
        user_id: 'c1',
        session_id: 'S-3',
      }),
      // An amend of a limit order without a price: set aside in context (DQ-1), its seq absent (DQ-4 6-6).
      order(6, {
        event: 'amend',
        order_id: 'o-2',
        symbol: 'BTC-USD',
        account_id: 'C-1',
        side: 'sell',
        qty: '3',
        mm_tag: false,
      }),
      order(7, {
        event: 'new',
        order_id: 'o-7',
        symbol: 'SOL-USD',
        account_id: 'P-1',
        side: 'buy',
        type: 'limit',
        price: '5',
        qty: '1',
        tif: 'gtc',
        mm_tag: false,
        user_id: 'u-op',
        session_id: 'S-4',
        source_ip: '10.0.0.2',
      }),
      // Session S-7 also carries MM-1's order o-12 on ADA-USD, another partition: FS-3 needs the global view.
      order(7, {
        event: 'new',
        order_id: 'o-8',
        symbol: 'BTC-PERP',
        account_id: 'C-1',
        side: 'buy',
        type: 'limit',
        price: '50',
        qty: '1',
        tif: 'gtc',
        mm_tag: false,
        user_id: 'c1',
        session_id: 'S-7',
      }),
      order(10, { event: 'cancel', order_id: 'o-404', symbol: 'BTC-PERP', account_id: 'C-1', side: 'buy' }),
      order(11, {
        event: 'new',
        order_id: 'o-11',
        symbol: 'ADA-USD',
        account_id: 'C-2',
        side: 'sell',
        type: 'limit',
        price: '1',
        qty: '10',
        tif: 'gtc',
        mm_tag: false,
        user_id: 'c2',
        session_id: 'S-6',
      }),
      order(12, {
        event: 'new',
        order_id: 'o-12',
        symbol: 'ADA-USD',
        account_id: 'MM-1',
        side: 'buy',
        type: 'market',
        qty: '4',
        tif: 'ioc',
        mm_tag: true,
        user_id: 'u-mm',
        session_id: 'S-7',
        source_ip: '10.0.0.3',
      }),
      order(14, {
        event: 'new',
        order_id: 'o-14',
        symbol: 'SOL-USD',
        account_id: 'C-2',
        side: 'sell',
        type: 'limit',
        price: '5',
        qty: '1',
        tif: 'ioc',
        mm_tag: false,
        user_id: 'c2',
        session_id: 'S-8',
      }),
      // The platform account trades on ADA-USD too, in another partition than its SOL-USD order: FS-6 reports the
      // account once, with both orders (the global view).
      order(16, {
        event: 'new',
        order_id: 'o-16',
        symbol: 'ADA-USD',
        account_id: 'P-1',
        side: 'buy',
        type: 'limit',
        price: '0.5',
        qty: '2',
        tif: 'gtc',
        mm_tag: false,
        user_id: 'u-op',
      }),
    ]),
  );
  const trade = (seq: number, t: Record<string, unknown>) => ({ seq, ts: ts(seq), ...t });
  await put(
    'trades/trades.jsonl',
    jsonl([
      // A trade on ETH-USD whose maker rests on BTC-USD: DQ-3, and the two symbols share a partition.
      trade(4, {
        trade_id: 't-1',
        symbol: 'ETH-USD',
        price: '100',
        qty: '0.5',
        maker_order_id: 'o-1',
        taker_order_id: 'o-3',
        maker_mm_tag: true,
        taker_mm_tag: false,
        phase: 'continuous',
      }),
      trade(13, {
        trade_id: 't-13',
        symbol: 'ADA-USD',
        price: '1',
        qty: '4',
        maker_order_id: 'o-11',
        taker_order_id: 'o-12',
        maker_mm_tag: false,
        taker_mm_tag: true,
      }),
      // A trade id used again on SOL-USD: the collector keeps the first report, so SOL-USD joins t-1's partition.
      trade(15, {
        trade_id: 't-1',
        symbol: 'SOL-USD',
        price: '5',
        qty: '1',
        maker_order_id: 'o-7',
        taker_order_id: 'o-14',
        maker_mm_tag: false,
        taker_mm_tag: false,
      }),
    ]),
  );
  await put(
    'collateral/collateral.jsonl',
    jsonl([
      {
        seq: 1,
        ts: ts(1),
        event_id: 'c-1',
        event: 'deposit',
        account_id: 'C-9',
        asset: 'BTC',
        asset_class: 'virtual_asset',
        qty: '1',
        to_wallet: 'w-unknown',
      },
    ]),
  );
  await put(
    'access/access.jsonl',
    jsonl([
      {
        seq: 1,
        ts: ts(1),
        event_id: 'a-1',
        user_id: 'u-mm',
        resource: 'client-orders',
        classification: 'restricted',
        action: 'read',
        granted: true,
        source_ip: '10.0.0.2',
      },
      {
        seq: 2,
        ts: ts(2),
        event_id: 'a-2',
        user_id: 'u-op',
        resource: 'config',
        classification: 'internal',
        action: 'read',
        granted: true,
        source_ip: '10.0.0.3',
      },
    ]),
  );
}
