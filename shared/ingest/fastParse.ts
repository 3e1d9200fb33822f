/**
 * Contract-aware fast parsers for the event record types (orders, trades, collateral, access; under contract 2 also
 * margin and settlements, and orders with `route` and `prefunded`): one pass over a JSONL
 * line, or over the cells of a CSV row, that knows the contract's fields and builds the same record the plain path
 * (JSON.parse or csvRowToJson, then the zod schema of records.ts) would build: same keys in the same order (the
 * schema's), absent stays absent, null stays null, defaults applied.
 *
 * The fast path only ever *accepts*. Anything it does not handle in full — an escape in a string, a duplicate key,
 * a nested value, a number where a string is expected, a value that fails the contract, a missing field — returns
 * undefined, and the caller runs the plain path on the same text, which accepts or quarantines with its own reason.
 * So quarantine reasons always come from the plain path, and exactness reduces to: whatever the fast path accepts,
 * the plain path accepts with an identical record (test/ingest/fastParse.test.ts checks this on adversarial lines).
 *
 * Why: JSON.parse + zod cost ≈ 3.6 µs per order event (zod ≈ 2.8 µs of it); this costs a fraction of that.
 */
import {
  ASSET_CLASSES,
  COLLATERAL_EVENTS,
  COLLATERAL_REQUIRED,
  type ContractVersion,
  ORDER_EVENTS,
  type RecordType,
} from '../contract/records.js';
import {
  INSURANCE_PAYOUT_REQUIRED,
  MARGIN_ASSET_CLASSES,
  MARGIN_EVENTS,
  MARGIN_REQUIRED,
  MARGIN_SIGNED_AMOUNT,
  SETTLEMENT_LEGS,
  SETTLEMENT_MECHANISMS,
} from '../contract/recordsV2.js';
import { isTimestamp } from '../contract/time.js';

const K_SEQ = 0;
const K_TS = 1;
const K_ID = 2;
const K_STR = 3;
const K_ENUM = 4;
const K_BOOL = 5;
const K_DEC = 6;
const K_POS = 7;
const K_NONNEG = 8;

interface Field {
  name: string;
  kind: number;
  /** Not nullish in the schema: absent or null fails the contract. */
  required: boolean;
  values?: readonly string[];
  /** `.nullish().transform(v => v ?? dflt)`: the output always has the field. */
  dflt?: string;
}

/** A record built from scanned values; undefined when the cross-field rules of the schema do not hold. */
type Finish = (vals: unknown[], present: number) => Record<string, unknown> | undefined;

interface TypeSpec {
  fields: readonly Field[];
  index: ReadonlyMap<string, number>;
  /** present-bits of the required fields. */
  requiredMask: number;
  finish: Finish;
}

const req = (name: string, kind: number, values?: readonly string[]): Field => ({ name, kind, required: true, values });
const opt = (name: string, kind: number, values?: readonly string[]): Field => ({
  name,
  kind,
  required: false,
  values,
});

// Field lists in the schemas' key order (records.ts): zod's output follows it.
const ORDER_FIELDS: readonly Field[] = [
  req('seq', K_SEQ),
  req('ts', K_TS),
  req('event', K_ENUM, ORDER_EVENTS),
  req('order_id', K_ID),
  req('symbol', K_ID),
  req('account_id', K_ID),
  req('side', K_ENUM, ['buy', 'sell']),
  opt('type', K_ENUM, ['limit', 'market']),
  opt('price', K_POS),
  opt('qty', K_POS),
  opt('display_qty', K_NONNEG),
  opt('tif', K_ENUM, ['gtc', 'day', 'ioc', 'fok', 'post_only']),
  opt('mm_tag', K_BOOL),
  opt('user_id', K_ID),
  opt('session_id', K_ID),
  opt('source_ip', K_STR),
];
const O_EVENT = 2;
const O_TYPE = 7;
const O_PRICE = 8;
const O_QTY = 9;
const O_TIF = 11;
const O_MM = 12;

const TRADE_FIELDS: readonly Field[] = [
  req('seq', K_SEQ),
  req('ts', K_TS),
  req('trade_id', K_ID),
  req('symbol', K_ID),
  req('price', K_POS),
  req('qty', K_POS),
  req('maker_order_id', K_ID),
  req('taker_order_id', K_ID),
  req('maker_mm_tag', K_BOOL),
  req('taker_mm_tag', K_BOOL),
  { name: 'phase', kind: K_ENUM, required: false, values: ['continuous', 'auction'], dflt: 'continuous' },
];

const COLLATERAL_FIELDS: readonly Field[] = [
  req('seq', K_SEQ),
  req('ts', K_TS),
  req('event_id', K_ID),
  req('event', K_ENUM, COLLATERAL_EVENTS),
  opt('account_id', K_ID),
  opt('asset', K_ID),
  opt('asset_class', K_ENUM, ASSET_CLASSES),
  opt('qty', K_NONNEG),
  opt('from_wallet', K_ID),
  opt('to_wallet', K_ID),
  opt('loan_id', K_ID),
  opt('price', K_POS),
  opt('haircut', K_DEC),
  opt('amount', K_NONNEG),
  opt('counterparty', K_ID),
];
const C_EVENT = 3;
const C_QTY = 7;
const C_AMOUNT = 13;

const ACCESS_FIELDS: readonly Field[] = [
  req('seq', K_SEQ),
  req('ts', K_TS),
  req('event_id', K_ID),
  opt('user_id', K_ID),
  req('resource', K_ID),
  req('classification', K_ENUM, ['restricted', 'internal', 'public']),
  req('action', K_ID),
  req('granted', K_BOOL),
  opt('source_ip', K_STR),
];

function build(fields: readonly Field[], vals: unknown[], present: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if ((present & (1 << i)) !== 0) out[f.name] = f.dflt !== undefined ? (vals[i] ?? f.dflt) : vals[i];
    else if (f.dflt !== undefined) out[f.name] = f.dflt;
  }
  return out;
}

const given = (vals: unknown[], present: number, i: number): boolean => (present & (1 << i)) !== 0 && vals[i] !== null;

/** orderEventSchema's superRefine (refineOrderEvent): fields required by the event. */
function orderRulesHold(vals: unknown[], present: number): boolean {
  const event = vals[O_EVENT];
  if (event === 'new' || event === 'snapshot') {
    if (!given(vals, present, O_TYPE) || !given(vals, present, O_QTY)) return false;
    if (!given(vals, present, O_TIF) || !given(vals, present, O_MM)) return false;
    if (vals[O_TYPE] === 'limit' && !given(vals, present, O_PRICE)) return false;
    if (event === 'snapshot' && vals[O_TYPE] === 'market') return false;
  } else if (event === 'amend') {
    if (!given(vals, present, O_QTY) || !given(vals, present, O_MM)) return false;
  }
  return true;
}

const finishOrder: Finish = (vals, present) => (orderRulesHold(vals, present) ? buildOrder(vals, present) : undefined);

/**
 * The order record with literal keys in the schema's order: named stores keep V8's hidden classes few and its stores
 * fast (a loop over computed keys measured several times slower). Absent fields stay absent.
 */
function buildOrder(v: unknown[], p: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    seq: v[0],
    ts: v[1],
    event: v[2],
    order_id: v[3],
    symbol: v[4],
    account_id: v[5],
    side: v[6],
  };
  if (p === 0xffff) {
    o.type = v[7];
    o.price = v[8];
    o.qty = v[9];
    o.display_qty = v[10];
    o.tif = v[11];
    o.mm_tag = v[12];
    o.user_id = v[13];
    o.session_id = v[14];
    o.source_ip = v[15];
    return o;
  }
  if ((p & 0x80) !== 0) o.type = v[7];
  if ((p & 0x100) !== 0) o.price = v[8];
  if ((p & 0x200) !== 0) o.qty = v[9];
  if ((p & 0x400) !== 0) o.display_qty = v[10];
  if ((p & 0x800) !== 0) o.tif = v[11];
  if ((p & 0x1000) !== 0) o.mm_tag = v[12];
  if ((p & 0x2000) !== 0) o.user_id = v[13];
  if ((p & 0x4000) !== 0) o.session_id = v[14];
  if ((p & 0x8000) !== 0) o.source_ip = v[15];
  return o;
}

const COLLATERAL_INDEX = new Map(COLLATERAL_FIELDS.map((f, i) => [f.name, i]));
const COLLATERAL_REQUIRED_BITS = Object.fromEntries(
  Object.entries(COLLATERAL_REQUIRED).map(([event, names]) => [event, names.map((n) => COLLATERAL_INDEX.get(n)!)]),
) as Record<string, number[]>;

/** collateralEventSchema's superRefine: the event's fields, and > 0 except balance qty / credit_limit amount. */
const finishCollateral: Finish = (vals, present) => {
  const event = vals[C_EVENT] as string;
  for (const i of COLLATERAL_REQUIRED_BITS[event]!) if (!given(vals, present, i)) return undefined;
  if (given(vals, present, C_QTY) && event !== 'balance' && !decimalPositive(vals[C_QTY] as string)) return undefined;
  if (given(vals, present, C_AMOUNT) && event !== 'credit_limit' && !decimalPositive(vals[C_AMOUNT] as string)) {
    return undefined;
  }
  return build(COLLATERAL_FIELDS, vals, present);
};

function buildTrade(v: unknown[], p: number): Record<string, unknown> {
  return {
    seq: v[0],
    ts: v[1],
    trade_id: v[2],
    symbol: v[3],
    price: v[4],
    qty: v[5],
    maker_order_id: v[6],
    taker_order_id: v[7],
    maker_mm_tag: v[8],
    taker_mm_tag: v[9],
    phase: (p & (1 << 10)) !== 0 ? (v[10] ?? 'continuous') : 'continuous',
  };
}

function spec(fields: readonly Field[], finish: Finish): TypeSpec {
  let requiredMask = 0;
  fields.forEach((f, i) => {
    if (f.required) requiredMask |= 1 << i;
  });
  return { fields, index: new Map(fields.map((f, i) => [f.name, i])), requiredMask, finish };
}

// ---- contract 2 (recordsV2.ts) ------------------------------------------------------------------------------------

/** Orders under contract 2: the v1 fields, then `route` and `prefunded` (the schema's `.extend` order). */
const ORDER_FIELDS_V2: readonly Field[] = [...ORDER_FIELDS, opt('route', K_ID), opt('prefunded', K_NONNEG)];
const O_ROUTE = 16;
const V1_ORDER_BITS = 0xffff;

/** orderEventSchemaV2's superRefine: the v1 rules, and a snapshot never carries a route. */
const finishOrderV2: Finish = (vals, present) => {
  if (vals[O_EVENT] === 'snapshot' && given(vals, present, O_ROUTE)) return undefined;
  return orderRulesHold(vals, present) ? buildOrderV2(vals, present) : undefined;
};

function buildOrderV2(v: unknown[], p: number): Record<string, unknown> {
  const o = buildOrder(v, p & V1_ORDER_BITS);
  if ((p & (1 << 16)) !== 0) o.route = v[16];
  if ((p & (1 << 17)) !== 0) o.prefunded = v[17];
  return o;
}

const MARGIN_FIELDS: readonly Field[] = [
  req('seq', K_SEQ),
  req('ts', K_TS),
  req('event_id', K_ID),
  req('event', K_ENUM, MARGIN_EVENTS),
  opt('account_id', K_ID),
  opt('symbol', K_ID),
  opt('asset', K_ID),
  opt('asset_class', K_ENUM, MARGIN_ASSET_CLASSES),
  opt('amount', K_DEC),
  opt('position_qty', K_DEC),
  opt('mark_price', K_POS),
  opt('rate', K_DEC),
  opt('interval_start', K_TS),
  opt('ref', K_ID),
];
const M_EVENT = 3;
const M_AMOUNT = 8;
const M_POSITION = 9;
const MARGIN_INDEX = new Map(MARGIN_FIELDS.map((f, i) => [f.name, i]));
const bitsOf = (names: readonly string[]) => names.map((n) => MARGIN_INDEX.get(n)!);
const MARGIN_REQUIRED_BITS = Object.fromEntries(
  Object.entries(MARGIN_REQUIRED).map(([event, names]) => [event, bitsOf(names)]),
) as Record<string, number[]>;
const PAYOUT_REQUIRED_BITS = bitsOf(INSURANCE_PAYOUT_REQUIRED);

/** marginEventSchema's superRefine: the event's fields, a payout's account and ref, amount signs, position ≠ 0. */
const finishMargin: Finish = (vals, present) => {
  const event = vals[M_EVENT] as string;
  for (const i of MARGIN_REQUIRED_BITS[event]!) if (!given(vals, present, i)) return undefined;
  if (given(vals, present, M_AMOUNT)) {
    const sign = decimalSign(vals[M_AMOUNT] as string);
    if (!MARGIN_SIGNED_AMOUNT.has(event) && sign !== 1) return undefined;
    if (event === 'insurance' && sign === -1) {
      for (const i of PAYOUT_REQUIRED_BITS) if (!given(vals, present, i)) return undefined;
    }
  }
  if (given(vals, present, M_POSITION) && decimalSign(vals[M_POSITION] as string) === 0) return undefined;
  return build(MARGIN_FIELDS, vals, present);
};

const SETTLEMENT_FIELDS: readonly Field[] = [
  req('seq', K_SEQ),
  req('ts', K_TS),
  req('event_id', K_ID),
  req('exec_id', K_ID),
  req('order_id', K_ID),
  req('leg', K_ENUM, SETTLEMENT_LEGS),
  req('qty', K_POS),
  req('mechanism', K_ENUM, SETTLEMENT_MECHANISMS),
  req('batch_id', K_ID),
];

const SPECS: Partial<Record<RecordType, TypeSpec>> = {
  orders: spec(ORDER_FIELDS, finishOrder),
  trades: spec(TRADE_FIELDS, (v, p) => buildTrade(v, p)),
  collateral: spec(COLLATERAL_FIELDS, finishCollateral),
  access: spec(ACCESS_FIELDS, (v, p) => build(ACCESS_FIELDS, v, p)),
};
const SPECS_V2: Partial<Record<RecordType, TypeSpec>> = {
  ...SPECS,
  orders: spec(ORDER_FIELDS_V2, finishOrderV2),
  margin: spec(MARGIN_FIELDS, (v, p) => finishMargin(v, p)),
  settlements: spec(SETTLEMENT_FIELDS, (v, p) => build(SETTLEMENT_FIELDS, v, p)),
};

/** The fast parser's spec of a record type under a contract version (undefined: the type has no fast path). */
function specOf(type: RecordType, contract: ContractVersion): TypeSpec | undefined {
  return (contract === 1 ? SPECS : SPECS_V2)[type];
}

// ---- value checks (the same decisions as records.ts) ---------------------------------------------------------------

/** -?[0-9]+(\.[0-9]+)? → 1 positive, 0 zero, -1 negative (a "-0" is zero); NaN when not a decimal. */
function decimalSign(s: string): number {
  const n = s.length;
  let i = 0;
  let neg = false;
  if (n > 0 && s.charCodeAt(0) === 0x2d) {
    neg = true;
    i = 1;
  }
  const intStart = i;
  let nonZero = false;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (c !== 48) nonZero = true;
    i++;
  }
  if (i === intStart) return Number.NaN;
  if (i < n) {
    if (s.charCodeAt(i) !== 0x2e) return Number.NaN;
    i++;
    const fracStart = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return Number.NaN;
      if (c !== 48) nonZero = true;
      i++;
    }
    if (i === fracStart) return Number.NaN;
  }
  if (!nonZero) return 0;
  return neg ? -1 : 1;
}

function decimalPositive(s: string): boolean {
  return decimalSign(s) === 1;
}

/** Whether a string value is valid for a field of this kind (string kinds only). */
function stringOk(f: Field, s: string): boolean {
  switch (f.kind) {
    case K_TS:
      return isTimestamp(s);
    case K_ID:
      return s.length > 0 && (s.length <= 128 || [...s].length <= 128);
    case K_STR:
      return true;
    case K_ENUM:
      return f.values!.includes(s);
    case K_DEC:
      return !Number.isNaN(decimalSign(s));
    case K_POS:
      return decimalSign(s) === 1;
    case K_NONNEG:
      return decimalSign(s) >= 0;
    default:
      return false;
  }
}

// ---- JSONL -----------------------------------------------------------------------------------------------------------

export type FastLineParser = (text: string) => Record<string, unknown> | undefined;

/** The fast JSONL parser of a record type, or null when the type has none (reference types: small files). */
export function fastJsonParser(type: RecordType, contract: ContractVersion): FastLineParser | null {
  const s = specOf(type, contract);
  if (s === undefined) return null;
  const vals: unknown[] = new Array(s.fields.length).fill(null);
  return (text) => parseJsonLine(s, vals, text);
}

/*
 * Every read below stays inside the line (`i < n`): reading past a string's end makes V8 drop the optimized code
 * for a slower generic one, which measured twice as slow on every line.
 */

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipWs(t: string, i: number, n: number): number {
  while (i < n && isWs(t.charCodeAt(i))) i++;
  return i;
}

/** The character code at i, or -1 past the end. */
function at(t: string, i: number, n: number): number {
  return i < n ? t.charCodeAt(i) : -1;
}

/** End of a JSON number starting at i (RFC 8259 grammar), or -1. */
function numberEnd(t: string, i: number, n: number): number {
  if (at(t, i, n) === 0x2d) i++;
  const c0 = at(t, i, n);
  if (c0 === 0x30) i++;
  else if (c0 >= 0x31 && c0 <= 0x39) {
    i++;
    while (isDigit(at(t, i, n))) i++;
  } else return -1;
  if (at(t, i, n) === 0x2e) {
    i++;
    if (!isDigit(at(t, i, n))) return -1;
    while (isDigit(at(t, i, n))) i++;
  }
  const e = at(t, i, n);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sgn = at(t, i, n);
    if (sgn === 0x2b || sgn === 0x2d) i++;
    if (!isDigit(at(t, i, n))) return -1;
    while (isDigit(at(t, i, n))) i++;
  }
  return i;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function parseJsonLine(s: TypeSpec, vals: unknown[], t: string): Record<string, unknown> | undefined {
  const fields = s.fields;
  const nFields = fields.length;
  const n = t.length;
  // With no backslash on the line, a string ends at the next quote; control characters are checked per value.
  if (t.indexOf('\\') >= 0) return undefined;
  let i = skipWs(t, 0, n);
  if (at(t, i, n) !== 0x7b) return undefined;
  i = skipWs(t, i + 1, n);
  let present = 0;
  let expect = 0;
  for (;;) {
    // key
    if (at(t, i, n) !== 0x22) return undefined; // also `{}`: it fails the contract, the plain path says why
    i++;
    let f = -1;
    // Files usually list the keys in the schema's order: try the next expected field before a map lookup.
    if (expect < nFields) {
      const name = fields[expect]!.name;
      if (t.startsWith(name, i) && at(t, i + name.length, n) === 0x22) {
        f = expect;
        i += name.length + 1;
      }
    }
    if (f < 0) {
      const end = t.indexOf('"', i);
      if (end < 0) return undefined;
      const key = t.slice(i, end);
      if (hasControl(key)) return undefined;
      f = s.index.get(key) ?? -2;
      i = end + 1;
    }
    let c = at(t, i, n);
    if (c !== 0x3a) {
      i = skipWs(t, i, n);
      if (at(t, i, n) !== 0x3a) return undefined;
    }
    i++;
    c = at(t, i, n);
    if (isWs(c)) {
      i = skipWs(t, i, n);
      c = at(t, i, n);
    }
    if (f === -2) {
      // A field the contract does not name: ignored by the schema, but the line must still be valid JSON.
      if (c === 0x22) {
        const end = t.indexOf('"', i + 1);
        if (end < 0 || hasControl(t.slice(i + 1, end))) return undefined;
        i = end + 1;
      } else if (c === 0x74 && t.startsWith('true', i)) i += 4;
      else if (c === 0x66 && t.startsWith('false', i)) i += 5;
      else if (c === 0x6e && t.startsWith('null', i)) i += 4;
      else {
        const end = numberEnd(t, i, n);
        if (end < 0) return undefined;
        i = end;
      }
    } else {
      const bit = 1 << f;
      if ((present & bit) !== 0) return undefined; // duplicate key: JSON.parse keeps the last; leave it to it
      present |= bit;
      expect = f + 1;
      const field = fields[f]!;
      const kind = field.kind;
      if (c === 0x6e) {
        if (field.required || !t.startsWith('null', i)) return undefined;
        vals[f] = null;
        i += 4;
      } else if (kind === K_SEQ) {
        // Digits only, no leading zero (JSON), at most 15 (a safe integer); anything else goes the plain way.
        if (!isDigit(c) || (c === 0x30 && isDigit(at(t, i + 1, n)))) return undefined;
        const start = i;
        let v = 0;
        while (isDigit(c)) {
          v = v * 10 + (c - 0x30);
          i++;
          c = at(t, i, n);
        }
        if (i - start > 15 || c === 0x2e || c === 0x65 || c === 0x45) return undefined;
        vals[f] = v;
      } else if (kind === K_BOOL) {
        if (c === 0x74 && t.startsWith('true', i)) {
          vals[f] = true;
          i += 4;
        } else if (c === 0x66 && t.startsWith('false', i)) {
          vals[f] = false;
          i += 5;
        } else return undefined;
      } else {
        if (c !== 0x22) return undefined;
        const end = t.indexOf('"', i + 1);
        if (end < 0) return undefined;
        const v = t.slice(i + 1, end);
        if (!stringOk(field, v)) return undefined;
        // JSON forbids raw control characters in strings; ts, decimals and enums cannot hold one once checked.
        if ((kind === K_ID || kind === K_STR) && hasControl(v)) return undefined;
        vals[f] = v;
        i = end + 1;
      }
    }
    c = at(t, i, n);
    if (isWs(c)) {
      i = skipWs(t, i, n);
      c = at(t, i, n);
    }
    i++;
    if (c === 0x2c) {
      c = at(t, i, n);
      if (isWs(c)) i = skipWs(t, i, n);
      continue;
    }
    if (c !== 0x7d) return undefined;
    if (i < n && skipWs(t, i, n) !== n) return undefined;
    break;
  }
  if ((present & s.requiredMask) !== s.requiredMask) return undefined;
  return s.finish(vals, present);
}

// ---- CSV ----------------------------------------------------------------------------------------------------------

export type FastRowBuilder = (cells: readonly string[]) => Record<string, unknown> | undefined;

/**
 * The fast builder of records from CSV rows under this header, or null (no fast path for the type, or a header that
 * names a contract field twice: the plain path keeps the last column, leave that to it). Cells are converted the way
 * csvRowToJson does (an empty cell is null, `true`/`false`, digit strings as integers) and checked like the schema.
 */
export function fastCsvBuilder(
  type: RecordType,
  contract: ContractVersion,
  header: readonly string[],
): FastRowBuilder | null {
  const s = specOf(type, contract);
  if (s === undefined) return null;
  const cols: number[] = [];
  const fieldOf: number[] = [];
  let seen = 0;
  for (let j = 0; j < header.length; j++) {
    const f = s.index.get(header[j]!);
    if (f === undefined) continue;
    if ((seen & (1 << f)) !== 0) return null;
    seen |= 1 << f;
    cols.push(j);
    fieldOf.push(f);
  }
  if ((seen & s.requiredMask) !== s.requiredMask) return null; // every row fails: the plain path says why
  const vals: unknown[] = new Array(s.fields.length).fill(null);
  const fields = s.fields;
  return (cells) => {
    for (let k = 0; k < cols.length; k++) {
      const f = fieldOf[k]!;
      const field = fields[f]!;
      const cell = cells[cols[k]!]!;
      if (cell === '') {
        if (field.required) return undefined;
        vals[f] = null;
      } else if (field.kind === K_SEQ) {
        if (cell.length > 15) return undefined;
        for (let i = 0; i < cell.length; i++) if (!isDigit(cell.charCodeAt(i))) return undefined;
        vals[f] = Number(cell);
      } else if (field.kind === K_BOOL) {
        if (cell === 'true') vals[f] = true;
        else if (cell === 'false') vals[f] = false;
        else return undefined;
      } else {
        if (!stringOk(field, cell)) return undefined;
        vals[f] = cell;
      }
    }
    return s.finish(vals, seen);
  };
}

// ---- record layouts (the compact form of ordering/recordCodec.ts) ---------------------------------------------------

/** A record type's fields in the schema's order, and the builder of its record from field values. */
export interface RecordLayout {
  names: readonly string[];
  /** 's' string, 'n' number (seq), 'b' boolean. */
  kinds: readonly ('s' | 'n' | 'b')[];
  required: readonly boolean[];
  /** Fields the schema always outputs (a default): the builder adds them when absent. */
  defaulted: readonly boolean[];
  index: ReadonlyMap<string, number>;
  /**
   * The record from field values (`present`: bit i set when field i is in the record, null included), built as the
   * fast parser builds it: same keys in the same order.
   */
  build(vals: unknown[], present: number): Record<string, unknown>;
}

type Builder = (vals: unknown[], present: number) => Record<string, unknown>;
const LAYOUT_BUILDERS: Partial<Record<RecordType, Builder>> = {
  orders: buildOrder,
  trades: buildTrade,
  collateral: (v, p) => build(COLLATERAL_FIELDS, v, p),
  access: (v, p) => build(ACCESS_FIELDS, v, p),
};
const LAYOUT_BUILDERS_V2: Partial<Record<RecordType, Builder>> = {
  ...LAYOUT_BUILDERS,
  orders: buildOrderV2,
  margin: (v, p) => build(MARGIN_FIELDS, v, p),
  settlements: (v, p) => build(SETTLEMENT_FIELDS, v, p),
};

/** The layout of an event record type under a contract version, or null for reference types. */
export function recordLayout(type: RecordType, contract: ContractVersion): RecordLayout | null {
  const s = specOf(type, contract);
  const buildFn = (contract === 1 ? LAYOUT_BUILDERS : LAYOUT_BUILDERS_V2)[type];
  if (s === undefined || buildFn === undefined) return null;
  return {
    names: s.fields.map((f) => f.name),
    kinds: s.fields.map((f) => (f.kind === K_SEQ ? 'n' : f.kind === K_BOOL ? 'b' : 's')),
    required: s.fields.map((f) => f.required),
    defaulted: s.fields.map((f) => f.dflt !== undefined),
    index: s.index,
    build: buildFn,
  };
}
