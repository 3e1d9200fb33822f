/** Shared shapes of the generator's simulation: accounts with their logins, symbols with their price grids. */

export type Role = 'client' | 'affiliated_mm' | 'third_party_mm' | 'platform';

export interface Acct {
  id: string;
  entity: string;
  role: Role;
  cls: 'retail' | 'professional' | null;
  margin: boolean;
  /** RULES "protected": client or third_party_mm. */
  prot: boolean;
  /** Logins that submit this account's orders; sessions[i] and ips[i] belong to users[i]. */
  users: string[];
  sessions: string[];
  ips: string[];
  /** The account's own client_free wallet (clients only). */
  freeWallet: string | null;
}

export interface StaffMember {
  user: string;
  entity: string;
  fn: string;
  ip: string;
}

export interface SymbolDef {
  name: string;
  product: 'spot' | 'perpetual';
  refAsset: string;
  approved: boolean;
  /** Prices are integers of 10^-pxDec; the tick is `step` such units. */
  pxDec: number;
  step: number;
  mid: number;
  qtyDec: number;
  /** Typical order size in lots of 10^-qtyDec. */
  lots: number;
  weight: number;
}

export const SYMBOL_DEFS: readonly SymbolDef[] = [
  {
    name: 'BTC-USD',
    product: 'spot',
    refAsset: 'BTC',
    approved: true,
    pxDec: 1,
    step: 1,
    mid: 970_001,
    qtyDec: 4,
    lots: 400,
    weight: 5,
  },
  {
    name: 'BTC-PERP',
    product: 'perpetual',
    refAsset: 'BTC',
    approved: true,
    pxDec: 1,
    step: 5,
    mid: 970_100,
    qtyDec: 3,
    lots: 60,
    weight: 4,
  },
  {
    name: 'ETH-USD',
    product: 'spot',
    refAsset: 'ETH',
    approved: true,
    pxDec: 2,
    step: 1,
    mid: 341_257,
    qtyDec: 3,
    lots: 900,
    weight: 3,
  },
  {
    name: 'SOL-USD',
    product: 'spot',
    refAsset: 'SOL',
    approved: false,
    pxDec: 3,
    step: 1,
    mid: 182_345,
    qtyDec: 2,
    lots: 900,
    weight: 2,
  },
  {
    name: 'ETH-PERP',
    product: 'perpetual',
    refAsset: 'ETH',
    approved: true,
    pxDec: 2,
    step: 5,
    mid: 341_300,
    qtyDec: 2,
    lots: 120,
    weight: 2,
  },
  {
    name: 'XRP-USD',
    product: 'spot',
    refAsset: 'XRP',
    approved: true,
    pxDec: 4,
    step: 1,
    mid: 23_456,
    qtyDec: 0,
    lots: 800,
    weight: 1,
  },
  {
    name: 'LINK-USD',
    product: 'spot',
    refAsset: 'LINK',
    approved: false,
    pxDec: 3,
    step: 1,
    mid: 21_512,
    qtyDec: 2,
    lots: 3000,
    weight: 1,
  },
  {
    name: 'AVAX-USD',
    product: 'spot',
    refAsset: 'AVAX',
    approved: true,
    pxDec: 3,
    step: 1,
    mid: 35_871,
    qtyDec: 2,
    lots: 2000,
    weight: 1,
  },
];
