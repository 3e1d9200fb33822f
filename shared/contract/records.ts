/**
 * Record schemas of DATA-CONTRACT v1 (the additions of contract 2 are in recordsV2.ts). Types come from the schemas
 * (z.infer). Decimals stay strings (validated; compare
 * them with compareDecimal/canonicalDecimal), timestamps stay strings (validated; parseTimestampNs for order).
 *
 * "Absent" and null are the same thing: optional fields are nullish. Unknown keys are stripped.
 */
import { z } from 'zod';
import { decimalIsNonNegative, decimalIsPositive, isDecimal } from './decimal.js';
import { shownValue } from './reasons.js';
import { isTimestamp, parseTimestampNs } from './time.js';

/** The data contract versions this tool reads (manifest.json `contract`). */
export const CONTRACT_VERSIONS = [1, 2] as const;
export type ContractVersion = (typeof CONTRACT_VERSIONS)[number];

export const RECORD_TYPES_V1 = [
  'accounts',
  'staff',
  'wallets',
  'instruments',
  'orders',
  'trades',
  'collateral',
  'access',
] as const;
/** Folders that only a contract-2 dataset has (V2.md); in a contract-1 dataset they are not record folders. */
export const RECORD_TYPES_V2_ONLY = ['venues', 'margin', 'settlements'] as const;
export const RECORD_TYPES = [...RECORD_TYPES_V1, ...RECORD_TYPES_V2_ONLY] as const;
export type RecordTypeV1 = (typeof RECORD_TYPES_V1)[number];
export type RecordType = (typeof RECORD_TYPES)[number];

/** The record folders of a dataset of this contract version. */
export function recordTypesOf(contract: ContractVersion): readonly RecordType[] {
  return contract === 1 ? RECORD_TYPES_V1 : RECORD_TYPES;
}

// ---- value types -------------------------------------------------------------------------------------------
// Each value type words its own problem with the value (reasons.ts adds the field): "is not a decimal: 1,5".

/** A problem with a value of the right JSON type: the value as written. */
const problem = (what: string) => ({
  error: (iss: { input?: unknown }) =>
    `${what}: ${typeof iss.input === 'number' ? String(iss.input) : shownValue(iss.input)}`,
});
/** A value of the wrong JSON type: text in quotes, so that "5" where a number belongs is seen as text. */
const wrongType = (what: string) => ({
  error: (iss: { input?: unknown }) =>
    `${what}: ${typeof iss.input === 'string' ? JSON.stringify(iss.input) : shownValue(iss.input)}`,
});

export const decimalSchema = z
  .string(wrongType('is not a decimal string'))
  .refine(isDecimal, { abort: true, ...problem('is not a decimal') });
export const positiveDecimal = decimalSchema.refine(decimalIsPositive, problem('is not above zero'));
export const nonNegativeDecimal = decimalSchema.refine(decimalIsNonNegative, problem('is negative'));
export const timestampSchema = z
  .string(wrongType('is not an RFC 3339 UTC timestamp'))
  .refine(isTimestamp, problem('is not an RFC 3339 UTC timestamp'));
export const seqSchema = z
  .number(wrongType('is not a whole number'))
  .refine((n) => Number.isSafeInteger(n) && n >= 0, problem('is not a whole number from 0 to 2^53 - 1'));
export const idSchema = z
  .string(wrongType('is not text'))
  .min(1, { error: 'is empty' })
  // A string of at most 128 UTF-16 units has at most 128 code points: count them only for longer strings.
  .refine((s) => s.length <= 128 || [...s].length <= 128, problem('is longer than 128 characters'));
export const booleanSchema = z.boolean(wrongType('is not true or false'));
export const textSchema = z.string(wrongType('is not text'));

const opt = <T extends z.ZodType>(t: T) => t.nullish();

/** "a" or "an" before an event name in a reason ("an 'amend' event needs it"). */
export function eventArticle(event: string): 'a' | 'an' {
  return /^[aeiou]/.test(event) ? 'an' : 'a';
}

const CONTRACT_PROBLEM = 'is not 1 or 2 (this tool reads data contracts v1 and v2)';

// ---- manifest ----------------------------------------------------------------------------------------------
export const manifestSchema = z
  .object({
    contract: z
      .number(wrongType(CONTRACT_PROBLEM))
      .refine((n) => n === 1 || n === 2, problem(CONTRACT_PROBLEM))
      .transform((n) => n as ContractVersion),
    venue: idSchema,
    operator_entity_id: idSchema,
    period_start: timestampSchema,
    period_end: timestampSchema,
  })
  .refine((m) => (parseTimestampNs(m.period_end) ?? 0n) > (parseTimestampNs(m.period_start) ?? 0n), {
    error: 'is not after period_start',
    path: ['period_end'],
  });
export type DatasetManifest = z.infer<typeof manifestSchema>;

// ---- reference ---------------------------------------------------------------------------------------------
export const ACCOUNT_ROLES = ['client', 'affiliated_mm', 'third_party_mm', 'platform'] as const;
export const accountSchema = z.object({
  account_id: idSchema,
  entity_id: idSchema,
  role: z.enum(ACCOUNT_ROLES),
  investor_class: z
    .enum(['retail', 'professional'])
    .nullish()
    .transform((v) => v ?? null),
  securities_margin_client: booleanSchema.nullish().transform((v) => v ?? false),
});
export type Account = z.infer<typeof accountSchema>;

export const STAFF_FUNCTIONS = [
  'market_making',
  'platform_operations',
  'surveillance',
  'risk',
  'compliance',
  'client_services',
  'engineering',
] as const;
export const staffSchema = z.object({ user_id: idSchema, entity_id: idSchema, function: z.enum(STAFF_FUNCTIONS) });
export type Staff = z.infer<typeof staffSchema>;

export const WALLET_KINDS = ['client_free', 'client_collateral', 'house', 'mm', 'third_party', 'external'] as const;
export const walletSchema = z.object({ wallet_id: idSchema, owner_entity_id: idSchema, kind: z.enum(WALLET_KINDS) });
export type Wallet = z.infer<typeof walletSchema>;

export const instrumentSchema = z.object({
  symbol: idSchema,
  product: z.enum(['spot', 'perpetual']),
  reference_asset: idSchema,
  retail_spot_approved: booleanSchema,
});
/** `reference_index_iosco` is read (default false) on contract-2 datasets only; a contract-1 record never has it. */
export type Instrument = z.infer<typeof instrumentSchema> & { reference_index_iosco?: boolean };

// ---- orders ------------------------------------------------------------------------------------------------
export const ORDER_EVENTS = ['new', 'amend', 'cancel', 'expire', 'reject', 'snapshot'] as const;
export const orderEventObject = z.object({
  seq: seqSchema,
  ts: timestampSchema,
  event: z.enum(ORDER_EVENTS),
  order_id: idSchema,
  symbol: idSchema,
  account_id: idSchema,
  side: z.enum(['buy', 'sell']),
  type: opt(z.enum(['limit', 'market'])),
  price: opt(positiveDecimal),
  qty: opt(positiveDecimal),
  display_qty: opt(nonNegativeDecimal),
  tif: opt(z.enum(['gtc', 'day', 'ioc', 'fok', 'post_only'])),
  mm_tag: opt(booleanSchema),
  user_id: opt(idSchema),
  session_id: opt(idSchema),
  source_ip: opt(textSchema),
});

/** The fields each order event requires (DATA-CONTRACT "Required fields"); shared with contract 2's orders. */
export function refineOrderEvent(o: z.infer<typeof orderEventObject>, ctx: z.RefinementCtx): void {
  const need = (field: keyof typeof o) => {
    if (o[field] === undefined || o[field] === null) {
      ctx.addIssue({ code: 'custom', path: [field], message: `${eventArticle(o.event)} '${o.event}' event needs it` });
    }
  };
  if (o.event === 'new' || o.event === 'snapshot') {
    need('type');
    need('qty');
    need('tif');
    need('mm_tag');
    if (o.type === 'limit') need('price');
    if (o.event === 'snapshot' && o.type === 'market') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: "is market, but a 'snapshot' must be a limit order" });
    }
  } else if (o.event === 'amend') {
    need('qty');
    need('mm_tag');
    // `price` is required when the amended order is a limit order: only the replay knows the order's type.
  }
}

export const orderEventSchema = orderEventObject.superRefine(refineOrderEvent);
/** `route` and `prefunded` are read on contract-2 datasets only (recordsV2.ts); a contract-1 record never has them. */
export type OrderEvent = z.infer<typeof orderEventSchema> & { route?: string | null; prefunded?: string | null };

// ---- trades ------------------------------------------------------------------------------------------------
export const tradeSchema = z.object({
  seq: seqSchema,
  ts: timestampSchema,
  trade_id: idSchema,
  symbol: idSchema,
  price: positiveDecimal,
  qty: positiveDecimal,
  maker_order_id: idSchema,
  taker_order_id: idSchema,
  maker_mm_tag: booleanSchema,
  taker_mm_tag: booleanSchema,
  phase: z
    .enum(['continuous', 'auction'])
    .nullish()
    .transform((v) => v ?? 'continuous'),
});
export type Trade = z.infer<typeof tradeSchema>;

// ---- collateral --------------------------------------------------------------------------------------------
export const COLLATERAL_EVENTS = [
  'deposit',
  'withdraw',
  'pledge',
  'release',
  'transfer',
  'encumber',
  'default',
  'enforce',
  'loan_draw',
  'loan_repay',
  'credit_limit',
  'valuation',
  'margin_call',
  'balance',
] as const;
export type CollateralEventKind = (typeof COLLATERAL_EVENTS)[number];
export const ASSET_CLASSES = ['virtual_asset', 'security', 'fiat', 'stablecoin', 'tokenized_deposit'] as const;

/** Fields each collateral event requires (DATA-CONTRACT: "fields used", except account_id on a transfer). */
export const COLLATERAL_REQUIRED: Record<CollateralEventKind, readonly string[]> = {
  deposit: ['account_id', 'asset', 'asset_class', 'qty', 'to_wallet'],
  withdraw: ['account_id', 'asset', 'asset_class', 'qty', 'from_wallet'],
  pledge: ['account_id', 'asset', 'asset_class', 'qty', 'from_wallet', 'to_wallet', 'loan_id', 'price', 'haircut'],
  release: ['account_id', 'asset', 'qty', 'from_wallet', 'to_wallet', 'loan_id'],
  transfer: ['asset', 'qty', 'from_wallet', 'to_wallet'],
  encumber: ['asset', 'qty', 'from_wallet', 'counterparty'],
  default: ['account_id', 'loan_id'],
  enforce: ['account_id', 'asset', 'qty', 'from_wallet', 'to_wallet', 'loan_id'],
  loan_draw: ['account_id', 'loan_id', 'amount'],
  loan_repay: ['account_id', 'loan_id', 'amount'],
  credit_limit: ['account_id', 'amount'],
  valuation: ['asset', 'price'],
  margin_call: ['account_id', 'loan_id'],
  balance: ['from_wallet', 'asset', 'qty'],
};

export const collateralEventSchema = z
  .object({
    seq: seqSchema,
    ts: timestampSchema,
    event_id: idSchema,
    event: z.enum(COLLATERAL_EVENTS),
    account_id: opt(idSchema),
    asset: opt(idSchema),
    asset_class: opt(z.enum(ASSET_CLASSES)),
    qty: opt(nonNegativeDecimal),
    from_wallet: opt(idSchema),
    to_wallet: opt(idSchema),
    loan_id: opt(idSchema),
    price: opt(positiveDecimal),
    haircut: opt(decimalSchema),
    amount: opt(nonNegativeDecimal),
    counterparty: opt(idSchema),
  })
  .superRefine((c, ctx) => {
    for (const field of COLLATERAL_REQUIRED[c.event]) {
      const v = (c as Record<string, unknown>)[field];
      if (v === undefined || v === null) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${eventArticle(c.event)} '${c.event}' event needs it`,
        });
      }
    }
    // Quantities and amounts are > 0 except the qty of a balance and the amount of a credit_limit (>= 0).
    if (c.qty != null && c.event !== 'balance' && !decimalIsPositive(c.qty)) {
      ctx.addIssue({ code: 'custom', path: ['qty'], message: `is not above zero: ${shownValue(c.qty)}` });
    }
    if (c.amount != null && c.event !== 'credit_limit' && !decimalIsPositive(c.amount)) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `is not above zero: ${shownValue(c.amount)}` });
    }
  });
export type CollateralEvent = z.infer<typeof collateralEventSchema>;

// ---- access ------------------------------------------------------------------------------------------------
export const accessEventSchema = z.object({
  seq: seqSchema,
  ts: timestampSchema,
  event_id: idSchema,
  user_id: opt(idSchema),
  resource: idSchema,
  classification: z.enum(['restricted', 'internal', 'public']),
  action: idSchema,
  granted: booleanSchema,
  source_ip: opt(textSchema),
});
export type AccessEvent = z.infer<typeof accessEventSchema>;

/** The schemas of contract 1 (recordsV2.ts schemaFor gives the schema of a record type under either contract). */
export const RECORD_SCHEMAS = {
  accounts: accountSchema,
  staff: staffSchema,
  wallets: walletSchema,
  instruments: instrumentSchema,
  orders: orderEventSchema,
  trades: tradeSchema,
  collateral: collateralEventSchema,
  access: accessEventSchema,
} as const satisfies Record<RecordTypeV1, z.ZodType>;

/** JSON type of each contract field, so that CSV cells (always text) can be converted before validation. */
export type CsvFieldKind = 'string' | 'integer' | 'boolean';
export const CSV_FIELD_KINDS: Record<RecordType, Record<string, CsvFieldKind>> = {
  accounts: { securities_margin_client: 'boolean' },
  staff: {},
  wallets: {},
  // reference_index_iosco is a contract-2 field; on a contract-1 dataset its converted cell is dropped as unnamed.
  instruments: { retail_spot_approved: 'boolean', reference_index_iosco: 'boolean' },
  orders: { seq: 'integer', mm_tag: 'boolean' },
  trades: { seq: 'integer', maker_mm_tag: 'boolean', taker_mm_tag: 'boolean' },
  collateral: { seq: 'integer' },
  access: { seq: 'integer', granted: 'boolean' },
  venues: { fatf_member: 'boolean', shared_book_approved: 'boolean' },
  margin: { seq: 'integer' },
  settlements: { seq: 'integer' },
};

/**
 * Converts one CSV row (header → cell text) to the JSON shape the schemas expect: an empty cell is null, booleans are
 * `true`/`false`, integers are digit strings. A cell that does not convert is passed through as text so that the
 * schema reports it as the wrong type.
 */
export function csvRowToJson(type: RecordType, row: Record<string, string>): Record<string, unknown> {
  const kinds = CSV_FIELD_KINDS[type];
  const out: Record<string, unknown> = {};
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '') {
      out[key] = null;
      continue;
    }
    const kind = kinds[key];
    if (kind === 'boolean') out[key] = cell === 'true' ? true : cell === 'false' ? false : cell;
    else if (kind === 'integer') out[key] = /^[0-9]+$/.test(cell) ? Number(cell) : cell;
    else out[key] = cell;
  }
  return out;
}
