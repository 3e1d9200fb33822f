/**
 * Record schemas of data contract version 2 (V2.md): the new folders `venues`, `margin` and `settlements`, the new
 * fields `instruments.reference_index_iosco`, `orders.route` and `orders.prefunded`. They apply to a dataset whose
 * manifest says `"contract": 2` only; on a contract-1 dataset the new folders are not record folders and the new fields
 * are dropped like any field the contract does not name, so a contract-1 dataset reads exactly as before.
 *
 * Value rules as in DATA-CONTRACT: a present field must have its type; an `amount` is > 0 unless the table says signed
 * (pnl, funding, liquidation, insurance); `position_qty` is signed and never 0; prices > 0; `rate` is signed.
 * Required fields (V2.md "Readings fixed"): in `margin` the event's "fields used", except that an `insurance` needs
 * `account_id` and `ref` only when it is a payout (amount < 0); in `settlements` and `venues` every field.
 */
import { z } from 'zod';
import { canonicalDecimal, decimalIsNonNegative, decimalIsPositive } from './decimal.js';
import {
  type AccessEvent,
  type Account,
  booleanSchema,
  type CollateralEvent,
  type ContractVersion,
  decimalSchema,
  eventArticle,
  type Instrument,
  idSchema,
  instrumentSchema,
  nonNegativeDecimal,
  type OrderEvent,
  orderEventObject,
  positiveDecimal,
  RECORD_SCHEMAS,
  type RecordType,
  refineOrderEvent,
  type Staff,
  seqSchema,
  type Trade,
  timestampSchema,
  type Wallet,
} from './records.js';

const opt = <T extends z.ZodType>(t: T) => t.nullish();

// ---- instruments and orders: the new fields --------------------------------------------------------------------
export const instrumentSchemaV2 = instrumentSchema.extend({
  reference_index_iosco: booleanSchema.nullish().transform((v) => v ?? false),
});

export const orderEventSchemaV2 = orderEventObject
  .extend({
    /** null: the venue's own book; else the venue whose shared order book the order was sent to (read on `new`). */
    route: opt(idSchema),
    /** On `new` and `amend` of a routed order: what the operator holds aside for it after the event. */
    prefunded: opt(nonNegativeDecimal),
  })
  .superRefine((o, ctx) => {
    refineOrderEvent(o, ctx);
    if (o.event === 'snapshot' && o.route != null) {
      ctx.addIssue({
        code: 'custom',
        path: ['route'],
        message: "is set, but a 'snapshot' must have a null route (a routed order never rests in the local book)",
      });
    }
  });

// ---- venues ----------------------------------------------------------------------------------------------------
export const venueSchema = z.object({
  venue_id: idSchema,
  /** ISO 3166-1 alpha-2 by the contract's note; its type is id, and no check reads it. */
  jurisdiction: idSchema,
  fatf_member: booleanSchema,
  shared_book_approved: booleanSchema,
});
export type Venue = z.infer<typeof venueSchema>;

// ---- margin ----------------------------------------------------------------------------------------------------
export const MARGIN_EVENTS = [
  'deposit',
  'withdraw',
  'pnl',
  'fee',
  'credit',
  'funding_rate',
  'funding',
  'liquidation',
  'insurance',
  'adl',
] as const;
export type MarginEventKind = (typeof MARGIN_EVENTS)[number];
export const MARGIN_ASSET_CLASSES = [
  'fiat',
  'hkma_stablecoin',
  'stablecoin',
  'tokenized_deposit',
  'virtual_asset',
  'security',
] as const;
export type MarginAssetClass = (typeof MARGIN_ASSET_CLASSES)[number];

/** The "fields used" of each margin event, all required; an insurance payout also needs account_id and ref. */
export const MARGIN_REQUIRED: Record<MarginEventKind, readonly string[]> = {
  deposit: ['account_id', 'asset', 'asset_class', 'amount'],
  withdraw: ['account_id', 'amount'],
  pnl: ['account_id', 'symbol', 'amount'],
  fee: ['account_id', 'amount'],
  credit: ['account_id', 'amount'],
  funding_rate: ['symbol', 'interval_start', 'rate'],
  funding: ['account_id', 'symbol', 'interval_start', 'position_qty', 'mark_price', 'rate', 'amount'],
  liquidation: ['account_id', 'symbol', 'position_qty', 'mark_price', 'amount'],
  insurance: ['amount'],
  adl: ['account_id', 'symbol', 'position_qty', 'mark_price', 'amount', 'ref'],
};
/** What an insurance payout (amount < 0) requires besides MARGIN_REQUIRED.insurance. */
export const INSURANCE_PAYOUT_REQUIRED: readonly string[] = ['account_id', 'ref'];
/** Events whose `amount` is signed (any value, zero included); every other amount is > 0. */
export const MARGIN_SIGNED_AMOUNT: ReadonlySet<string> = new Set<MarginEventKind>([
  'pnl',
  'funding',
  'liquidation',
  'insurance',
]);

export const marginEventSchema = z
  .object({
    seq: seqSchema,
    ts: timestampSchema,
    event_id: idSchema,
    event: z.enum(MARGIN_EVENTS),
    account_id: opt(idSchema),
    symbol: opt(idSchema),
    asset: opt(idSchema),
    asset_class: opt(z.enum(MARGIN_ASSET_CLASSES)),
    amount: opt(decimalSchema),
    position_qty: opt(decimalSchema),
    mark_price: opt(positiveDecimal),
    rate: opt(decimalSchema),
    interval_start: opt(timestampSchema),
    ref: opt(idSchema),
  })
  .superRefine((m, ctx) => {
    const need = (field: string) => {
      const v = (m as Record<string, unknown>)[field];
      if (v === undefined || v === null) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${eventArticle(m.event)} '${m.event}' event needs it`,
        });
      }
    };
    for (const field of MARGIN_REQUIRED[m.event]) need(field);
    if (m.event === 'insurance' && m.amount != null && !decimalIsNonNegative(m.amount)) {
      for (const field of INSURANCE_PAYOUT_REQUIRED) need(field);
    }
    if (m.amount != null && !MARGIN_SIGNED_AMOUNT.has(m.event) && !decimalIsPositive(m.amount)) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `is not above zero: ${m.amount}` });
    }
    if (m.position_qty != null && canonicalDecimal(m.position_qty) === '0') {
      ctx.addIssue({ code: 'custom', path: ['position_qty'], message: `is zero: ${m.position_qty}` });
    }
  });
export type MarginEvent = z.infer<typeof marginEventSchema>;

// ---- settlements -----------------------------------------------------------------------------------------------
export const SETTLEMENT_LEGS = ['asset', 'cash'] as const;
export const SETTLEMENT_MECHANISMS = ['dvp', 'free_of_payment'] as const;
export const settlementEventSchema = z.object({
  seq: seqSchema,
  ts: timestampSchema,
  event_id: idSchema,
  exec_id: idSchema,
  order_id: idSchema,
  leg: z.enum(SETTLEMENT_LEGS),
  qty: positiveDecimal,
  mechanism: z.enum(SETTLEMENT_MECHANISMS),
  batch_id: idSchema,
});
export type SettlementEvent = z.infer<typeof settlementEventSchema>;

// ---- every record type under each contract ---------------------------------------------------------------------
export const RECORD_SCHEMAS_V2 = {
  ...RECORD_SCHEMAS,
  instruments: instrumentSchemaV2,
  orders: orderEventSchemaV2,
  venues: venueSchema,
  margin: marginEventSchema,
  settlements: settlementEventSchema,
} as const satisfies Record<RecordType, z.ZodType>;

/** The schema of a record type under a contract version; undefined when the type is no record folder of it. */
export function schemaFor(type: RecordType, contract: ContractVersion): z.ZodType | undefined {
  if (contract === 1) return (RECORD_SCHEMAS as Partial<Record<RecordType, z.ZodType>>)[type];
  return RECORD_SCHEMAS_V2[type];
}

/** The record each type yields (the union of both contracts: contract-2 fields are absent on contract 1). */
export interface RecordTypeMap {
  accounts: Account;
  staff: Staff;
  wallets: Wallet;
  instruments: Instrument;
  orders: OrderEvent;
  trades: Trade;
  collateral: CollateralEvent;
  access: AccessEvent;
  venues: Venue;
  margin: MarginEvent;
  settlements: SettlementEvent;
}
