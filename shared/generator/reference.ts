/**
 * Reference data of a generated venue: the operator, its affiliated market maker (two MM accounts of one MM entity),
 * two third-party market makers, a platform account, and clients (retail and professional, some securities margin
 * clients, a few corporate entities with two accounts). Staff of both entities with realistic functions and network
 * ranges that never overlap in clean data (FS-5).
 */

import { type Acct, type StaffMember, SYMBOL_DEFS, type SymbolDef } from './model.js';
import type { Rng } from './rng.js';

export const OPERATOR = 'E-OP';
export const MM_ENTITY = 'E-MM';
export const COLL_WALLETS = ['W-COLL-1', 'W-COLL-2'] as const;
export const HOUSE_WALLET = 'W-HOUSE-1';
export const MM_WALLET = 'W-MM-1';
export const TP_WALLET = 'W-TP-1';
export const EXTERNAL_WALLETS = ['W-EXT-CUST-1', 'W-EXT-BANK-1'] as const;

export interface Reference {
  accounts: Acct[];
  clients: Acct[];
  marginClients: Acct[];
  plainClients: Acct[];
  mms: Acct[];
  tps: Acct[];
  platform: Acct;
  operatorStaff: StaffMember[];
  /** Every staff member of the MM entity (market makers and others). */
  mmStaff: StaffMember[];
  /** MM-entity staff whose function is not market_making (FS-1 injections). */
  mmOtherStaff: StaffMember[];
  staff: StaffMember[];
  wallets: [string, string, string][];
  symbols: SymbolDef[];
}

function clientIp(i: number): string {
  return i % 11 === 5 ? `2001:db8:${(0x100 + i).toString(16)}::${(i % 97) + 1}` : `198.18.${(i >> 8) & 255}.${i & 255}`;
}

export function buildReference(rng: Rng, opts: { clients: number; symbols: number }): Reference {
  const accounts: Acct[] = [];
  const clients: Acct[] = [];
  let entityNo = 0;
  for (let i = 1; clients.length < opts.clients; i++) {
    // A few corporate entities hold two accounts: self-trade prevention and CP exclusions work per entity.
    const twin = i % 29 === 7 && clients.length + 2 <= opts.clients;
    entityNo++;
    const entity = `E-C${String(entityNo).padStart(5, '0')}`;
    const professional = rng.chance(0.4);
    const margin = rng.chance(0.22);
    for (let k = 0; k < (twin ? 2 : 1); k++) {
      const n = clients.length + 1;
      const id = `C-${String(n).padStart(5, '0')}`;
      const lower = id.toLowerCase();
      const a: Acct = {
        id,
        entity,
        role: 'client',
        cls: professional ? 'professional' : 'retail',
        margin,
        prot: true,
        users: [`${lower}-api`, `${lower}-web`],
        sessions: [`s-${id}-api`, `s-${id}-web`],
        ips: [clientIp(n), clientIp(n + 50_000)],
        freeWallet: `W-${id}-FREE`,
      };
      clients.push(a);
      accounts.push(a);
    }
  }

  // Every role must be present whatever the draw: margin clients, plain clients, retail, professional.
  const need = (pred: (c: Acct) => boolean, fix: (c: Acct) => void, from: number) => {
    if (!clients.some(pred)) for (let k = from; k < clients.length; k += 3) fix(clients[k] as Acct);
  };
  need(
    (c) => c.margin,
    (c) => {
      c.margin = true;
    },
    0,
  );
  need(
    (c) => !c.margin,
    (c) => {
      c.margin = false;
    },
    1,
  );
  need(
    (c) => c.cls === 'professional',
    (c) => {
      c.cls = 'professional';
    },
    0,
  );
  need(
    (c) => c.cls === 'retail',
    (c) => {
      c.cls = 'retail';
    },
    2,
  );

  const operatorStaff: StaffMember[] = [
    { user: 'u-op-ops1', entity: OPERATOR, fn: 'platform_operations', ip: '10.10.0.11' },
    { user: 'u-op-ops2', entity: OPERATOR, fn: 'platform_operations', ip: '10.10.0.12' },
    { user: 'u-op-surv1', entity: OPERATOR, fn: 'surveillance', ip: '10.10.0.21' },
    { user: 'u-op-surv2', entity: OPERATOR, fn: 'surveillance', ip: '10.10.0.22' },
    { user: 'u-op-risk1', entity: OPERATOR, fn: 'risk', ip: '10.10.0.31' },
    { user: 'u-op-comp1', entity: OPERATOR, fn: 'compliance', ip: '10.10.0.41' },
    { user: 'u-op-cs1', entity: OPERATOR, fn: 'client_services', ip: '10.10.0.51' },
    { user: 'u-op-cs2', entity: OPERATOR, fn: 'client_services', ip: '10.10.0.52' },
    { user: 'u-op-eng1', entity: OPERATOR, fn: 'engineering', ip: '10.10.0.61' },
    { user: 'svc-op-recon', entity: OPERATOR, fn: 'engineering', ip: '10.10.5.5' },
  ];
  const mmTraders: StaffMember[] = [
    { user: 'u-mm-algo1', entity: MM_ENTITY, fn: 'market_making', ip: '10.20.1.11' },
    { user: 'u-mm-trader1', entity: MM_ENTITY, fn: 'market_making', ip: '10.20.0.21' },
    { user: 'u-mm-algo2', entity: MM_ENTITY, fn: 'market_making', ip: '10.20.1.12' },
    { user: 'u-mm-trader2', entity: MM_ENTITY, fn: 'market_making', ip: '10.20.0.22' },
  ];
  const mmOtherStaff: StaffMember[] = [
    { user: 'u-mm-risk1', entity: MM_ENTITY, fn: 'risk', ip: '10.20.0.31' },
    { user: 'u-mm-comp1', entity: MM_ENTITY, fn: 'compliance', ip: '10.20.0.32' },
  ];
  const mmStaff = [...mmTraders, ...mmOtherStaff];

  const mms: Acct[] = [0, 1].map((k) => {
    const a = mmTraders[k * 2] as StaffMember;
    const b = mmTraders[k * 2 + 1] as StaffMember;
    const id = `MM-${k + 1}`;
    return {
      id,
      entity: MM_ENTITY,
      role: 'affiliated_mm',
      cls: null,
      margin: false,
      prot: false,
      users: [a.user, b.user],
      sessions: [`s-${id}-fix1`, `s-${id}-fix2`],
      ips: [a.ip, b.ip],
      freeWallet: null,
    };
  });
  const tps: Acct[] = [1, 2].map((k) => ({
    id: `TP-${k}`,
    entity: `E-TP${k}`,
    role: 'third_party_mm',
    cls: null,
    margin: false,
    prot: true,
    users: [`tp${k}-quoter`, `tp${k}-hedger`],
    sessions: [`s-TP-${k}-a`, `s-TP-${k}-b`],
    ips: [`192.0.2.${10 * k}`, `192.0.2.${10 * k + 1}`],
    freeWallet: null,
  }));
  const desk = operatorStaff[0] as StaffMember;
  const platform: Acct = {
    id: 'PLAT-1',
    entity: OPERATOR,
    role: 'platform',
    cls: null,
    margin: false,
    prot: false,
    users: [desk.user],
    sessions: ['s-PLAT-1'],
    ips: [desk.ip],
    freeWallet: null,
  };
  accounts.push(...mms, ...tps, platform);

  const wallets: [string, string, string][] = [];
  for (const c of clients) wallets.push([c.freeWallet as string, c.entity, 'client_free']);
  for (const w of COLL_WALLETS) wallets.push([w, OPERATOR, 'client_collateral']);
  wallets.push([HOUSE_WALLET, OPERATOR, 'house'], [MM_WALLET, MM_ENTITY, 'mm'], [TP_WALLET, 'E-TP1', 'third_party']);
  wallets.push([EXTERNAL_WALLETS[0], 'E-CUSTODIAN', 'external'], [EXTERNAL_WALLETS[1], 'E-BANK-1', 'external']);

  const symbols = SYMBOL_DEFS.slice(0, Math.max(2, Math.min(SYMBOL_DEFS.length, opts.symbols)));
  return {
    accounts,
    clients,
    marginClients: clients.filter((c) => c.margin),
    plainClients: clients.filter((c) => !c.margin),
    mms,
    tps,
    platform,
    operatorStaff,
    mmStaff,
    mmOtherStaff,
    staff: [...operatorStaff, ...mmStaff],
    wallets,
    symbols,
  };
}

/** Clients allowed on a symbol in clean data: professionals everywhere, retail only on approved spot symbols. */
export function eligibleClients(ref: Reference, sym: SymbolDef): Acct[] {
  return ref.clients.filter((c) => c.cls === 'professional' || (sym.product === 'spot' && sym.approved));
}
