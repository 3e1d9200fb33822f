/** Column layouts of the generated record streams (DATA-CONTRACT v1 field names, in a stable order). */
import type { ColKind, StreamSpec } from './writer.js';

function spec(
  name: string,
  cols: readonly (readonly [string, ColKind])[],
  required: string,
  idCol: string,
): StreamSpec {
  const columns = cols.map((c) => c[0]);
  return {
    name,
    columns,
    kinds: cols.map((c) => c[1]),
    required: columns.indexOf(required),
    idCol: columns.indexOf(idCol),
    tsCol: columns.indexOf('ts'),
  };
}

export const ACCOUNTS_SPEC = spec(
  'accounts',
  [
    ['account_id', 'str'],
    ['entity_id', 'str'],
    ['role', 'str'],
    ['investor_class', 'str'],
    ['securities_margin_client', 'bool'],
  ],
  'role',
  'account_id',
);

export const STAFF_SPEC = spec(
  'staff',
  [
    ['user_id', 'str'],
    ['entity_id', 'str'],
    ['function', 'str'],
  ],
  'function',
  'user_id',
);

export const WALLETS_SPEC = spec(
  'wallets',
  [
    ['wallet_id', 'str'],
    ['owner_entity_id', 'str'],
    ['kind', 'str'],
  ],
  'kind',
  'wallet_id',
);

export const INSTRUMENTS_SPEC = spec(
  'instruments',
  [
    ['symbol', 'str'],
    ['product', 'str'],
    ['reference_asset', 'str'],
    ['retail_spot_approved', 'bool'],
  ],
  'product',
  'symbol',
);

/** Order-event columns; indexes used by the simulation are exported below. */
export const ORDERS_SPEC = spec(
  'orders',
  [
    ['seq', 'int'],
    ['ts', 'str'],
    ['event', 'str'],
    ['order_id', 'str'],
    ['symbol', 'str'],
    ['account_id', 'str'],
    ['side', 'str'],
    ['type', 'str'],
    ['price', 'str'],
    ['qty', 'str'],
    ['display_qty', 'str'],
    ['tif', 'str'],
    ['mm_tag', 'bool'],
    ['user_id', 'str'],
    ['session_id', 'str'],
    ['source_ip', 'str'],
  ],
  'side',
  'order_id',
);

/** `engine` is not a contract field: readers must ignore it. */
export const TRADES_SPEC = spec(
  'trades',
  [
    ['seq', 'int'],
    ['ts', 'str'],
    ['trade_id', 'str'],
    ['symbol', 'str'],
    ['price', 'str'],
    ['qty', 'str'],
    ['maker_order_id', 'str'],
    ['taker_order_id', 'str'],
    ['maker_mm_tag', 'bool'],
    ['taker_mm_tag', 'bool'],
    ['phase', 'str'],
    ['engine', 'str'],
  ],
  'maker_order_id',
  'trade_id',
);

export const COLLATERAL_SPEC = spec(
  'collateral',
  [
    ['seq', 'int'],
    ['ts', 'str'],
    ['event_id', 'str'],
    ['event', 'str'],
    ['account_id', 'str'],
    ['asset', 'str'],
    ['asset_class', 'str'],
    ['qty', 'str'],
    ['from_wallet', 'str'],
    ['to_wallet', 'str'],
    ['loan_id', 'str'],
    ['price', 'str'],
    ['haircut', 'str'],
    ['amount', 'str'],
    ['counterparty', 'str'],
  ],
  'event_id',
  'event_id',
);

export const ACCESS_SPEC = spec(
  'access',
  [
    ['seq', 'int'],
    ['ts', 'str'],
    ['event_id', 'str'],
    ['user_id', 'str'],
    ['resource', 'text'],
    ['classification', 'str'],
    ['action', 'str'],
    ['granted', 'bool'],
    ['source_ip', 'str'],
  ],
  'resource',
  'event_id',
);

// ---- data contract 2 (V2.md) -------------------------------------------------------------------------------------

export const INSTRUMENTS_SPEC_V2 = spec(
  'instruments',
  [
    ...INSTRUMENTS_SPEC.columns.map((c, i) => [c, INSTRUMENTS_SPEC.kinds[i] as ColKind] as const),
    ['reference_index_iosco', 'bool'],
  ],
  'product',
  'symbol',
);

/** Contract-2 orders: the contract-1 columns, then `route` and `prefunded` (rows of local orders leave them null). */
export const ORDERS_SPEC_V2 = spec(
  'orders',
  [
    ...ORDERS_SPEC.columns.map((c, i) => [c, ORDERS_SPEC.kinds[i] as ColKind] as const),
    ['route', 'str'],
    ['prefunded', 'str'],
  ],
  'side',
  'order_id',
);

export const VENUES_SPEC = spec(
  'venues',
  [
    ['venue_id', 'str'],
    ['jurisdiction', 'str'],
    ['fatf_member', 'bool'],
    ['shared_book_approved', 'bool'],
  ],
  'fatf_member',
  'venue_id',
);

export const MARGIN_SPEC = spec(
  'margin',
  [
    ['seq', 'int'],
    ['ts', 'str'],
    ['event_id', 'str'],
    ['event', 'str'],
    ['account_id', 'str'],
    ['symbol', 'str'],
    ['asset', 'str'],
    ['asset_class', 'str'],
    ['amount', 'str'],
    ['position_qty', 'str'],
    ['mark_price', 'str'],
    ['rate', 'str'],
    ['interval_start', 'str'],
    ['ref', 'str'],
  ],
  'event',
  'event_id',
);

export const SETTLEMENTS_SPEC = spec(
  'settlements',
  [
    ['seq', 'int'],
    ['ts', 'str'],
    ['event_id', 'str'],
    ['exec_id', 'str'],
    ['order_id', 'str'],
    ['leg', 'str'],
    ['qty', 'str'],
    ['mechanism', 'str'],
    ['batch_id', 'str'],
  ],
  'leg',
  'exec_id',
);
