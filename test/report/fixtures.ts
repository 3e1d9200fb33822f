/** A realistic report input, built by hand: findings of every check family, quarantine and sequence statistics. */
import { CHECKS } from '#shared/checks/catalogue.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { Finding, Severity } from '#shared/contract/finding.js';
import type { Population } from '#shared/findings/collector.js';
import type { ReportInput } from '#shared/report/model.js';

export const RUN_ID = 'r-9a0e5c1d2b3f4a59';
export const FINGERPRINT = '3f1c9a7be04d5c2a8f6e1d0b9c8a7f6e5d4c3b2a1908f7e6d5c4b3a291807f6e';
export const DIGEST = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

function finding(
  check_id: string,
  severity: Severity,
  subject: string,
  extra: Partial<Finding> & { detail: string; evidence: Record<string, unknown> },
): Finding {
  const meta = CHECKS.find((c) => c.id === check_id)!;
  return {
    finding_id: `f-${check_id.toLowerCase()}-${subject.replace(/[^a-z0-9]/gi, '')}`,
    run_id: RUN_ID,
    check_id,
    severity,
    subject,
    venue: 'HKVX',
    symbol: null,
    account_id: null,
    seq: null,
    ts: null,
    title: meta.title,
    ...extra,
  };
}

export function realisticFindings(): Finding[] {
  return [
    finding('CP-1', 'critical', 't-1881', {
      symbol: 'BTC-USD',
      account_id: 'MM-1',
      seq: 1881,
      ts: '2026-02-12T03:11:09.000120Z',
      detail:
        'Trade t-1881 filled affiliated MM order o-55 (account MM-1) at 97000.10 while client order o-12 (account C-7) rested at the same price with 0.5 visible and earlier priority (seq 1002).',
      evidence: {
        trade: { trade_id: 't-1881', file: 'trades/trades-1.csv', line: 44, price: '97000.10', qty: '0.2' },
        mm_order: { order_id: 'o-55', priority: 1500 },
        blocking: [{ order_id: 'o-12', price: '97000.10', visible: '0.5', priority: 1002 }],
        protected_visible_total: '0.5',
      },
    }),
    finding('CP-1', 'high', 't-1902', {
      symbol: 'BTC-USD',
      account_id: 'MM-1',
      seq: 1902,
      ts: '2026-02-12T03:15:00Z',
      detail:
        'Trade t-1902 filled affiliated MM order o-56 while client order o-19 rested at the same price (later priority).',
      evidence: { trade_id: 't-1902', file: 'trades/trades-1.csv', line: 51 },
    }),
    finding('CP-2', 'critical', 't-2001', {
      symbol: 'ETH-USD',
      account_id: 'MM-1',
      seq: 2001,
      ts: '2026-02-12T09:40:00Z',
      detail: 'Trade t-2001 filled affiliated MM sell order o-80 at 3101 while client sell order o-81 rested at 3100.',
      evidence: { trade_id: 't-2001', mm_order: 'o-80', blocking: ['o-81'] },
    }),
    finding('MMT-1', 'high', 'o-55', {
      symbol: 'BTC-USD',
      account_id: 'MM-1',
      seq: 1500,
      ts: '2026-02-12T02:00:00Z',
      detail: 'Affiliated MM order o-55 (account MM-1) was entered with mm_tag = false.',
      evidence: { order_id: 'o-55', file: 'orders/orders-1.jsonl', line: 1500, mm_tag: false },
    }),
    finding('MMT-2', 'medium', 'o-90', {
      symbol: 'BTC-USD',
      account_id: 'C-7',
      seq: 1700,
      ts: '2026-02-12T04:00:00Z',
      detail: 'Client order o-90 (account C-7) carries mm_tag = true.',
      evidence: { order_id: 'o-90', file: 'orders/orders-1.jsonl', line: 1700 },
    }),
    finding('MMT-4', 'medium', 't-2100', {
      symbol: 'ETH-USD',
      seq: 2100,
      ts: '2026-02-12T10:00:00Z',
      detail: 'Trade t-2100 reports maker_mm_tag = false but maker order o-55 carried mm_tag = true.',
      evidence: { trade_id: 't-2100', maker_order: 'o-55' },
    }),
    finding('FS-1', 'high', 'o-60', {
      symbol: 'BTC-USD',
      account_id: 'MM-1',
      seq: 1600,
      ts: '2026-02-12T05:00:00Z',
      detail: 'Affiliated MM order o-60 was entered by user u-ops-3, who is platform_operations staff of E-OP.',
      evidence: { order_id: 'o-60', user_id: 'u-ops-3' },
    }),
    finding('FS-2', 'high', 'o-61', {
      account_id: 'C-9',
      seq: 1610,
      ts: '2026-02-12T05:01:00Z',
      detail: 'Client order o-61 (account C-9) was entered by MM-entity staff u-mm-2.',
      evidence: { order_id: 'o-61', user_id: 'u-mm-2' },
    }),
    finding('FS-3', 'high', 's-7', {
      detail: 'Session s-7 carried orders of MM-1 and of client C-7.',
      evidence: { session_id: 's-7', accounts: ['MM-1', 'C-7'] },
    }),
    finding('FS-4', 'low', 'a-17', {
      ts: '2026-02-12T06:00:00Z',
      detail: 'MM-entity staff u-mm-2 was denied access to restricted resource client-orderbook.',
      evidence: { event_id: 'a-17', resource: 'client-orderbook', outcome: 'denied' },
    }),
    finding('FS-5', 'medium', '10.0.0.7', {
      detail: 'Source IP 10.0.0.7 was used by MM-entity staff u-mm-2 and operator staff u-ops-3.',
      evidence: { source_ip: '10.0.0.7', mm_users: ['u-mm-2'], operator_users: ['u-ops-3'] },
    }),
    finding('FS-6', 'high', 'P-1', {
      symbol: 'BTC-USD',
      account_id: 'P-1',
      seq: 1650,
      ts: '2026-02-12T07:00:00Z',
      detail:
        'Platform account P-1 of entity E-OP placed order o-70 (seq 1650) on BTC-USD: the operator traded for its own account.',
      evidence: {
        account_id: 'P-1',
        orders: 1,
        symbols: [{ symbol: 'BTC-USD', orders: 1 }],
        first_order: { order_id: 'o-70', seq: 1650, ts: '2026-02-12T07:00:00Z' },
        last_order: { order_id: 'o-70', seq: 1650, ts: '2026-02-12T07:00:00Z' },
      },
    }),
    finding('FS-7', 'high', 'u-ops-9', {
      detail: 'User u-ops-9 is market_making staff employed by the operator entity E-OP.',
      evidence: { user_id: 'u-ops-9', entity_id: 'E-OP' },
    }),
    finding('NRH-1', 'critical', 'c-3', {
      account_id: 'C-7',
      seq: 3,
      ts: '2026-02-12T01:00:00Z',
      detail: 'Transfer c-3 moved 2 BTC from client collateral wallet W-CC-1 to house wallet W-H-1.',
      evidence: { event_id: 'c-3', from: 'W-CC-1', to: 'W-H-1', qty: '2', asset: 'BTC' },
    }),
    finding('NRH-2', 'critical', 'c-9', {
      account_id: 'C-7',
      seq: 9,
      ts: '2026-02-12T08:00:00Z',
      detail: 'Enforce c-9 on loan L-1 has no earlier default on that loan.',
      evidence: { event_id: 'c-9', loan_id: 'L-1' },
    }),
    finding('NRH-3', 'critical', 'c-11', {
      seq: 11,
      ts: '2026-02-12T08:30:00Z',
      detail: 'Encumber c-11 placed a lien over client collateral wallet W-CC-2.',
      evidence: { event_id: 'c-11', wallet_id: 'W-CC-2' },
    }),
    finding('NRH-4', 'critical', 'c-12', {
      seq: 12,
      ts: '2026-02-12T09:00:00Z',
      detail: 'Balance c-12 shows 1 BTC in W-CC-1 while the ledger holds 3 BTC.',
      evidence: { event_id: 'c-12', custody: '1', ledger: '3' },
    }),
    finding('NRH-5', 'high', 'c-13', {
      seq: 13,
      ts: '2026-02-12T09:30:00Z',
      detail: 'Pledge c-13 went into house wallet W-H-1, not a client collateral wallet.',
      evidence: { event_id: 'c-13', wallet_id: 'W-H-1' },
    }),
    finding('MF-1', 'high', 'c-20', {
      account_id: 'C-8',
      seq: 20,
      ts: '2026-02-12T11:00:00Z',
      detail: 'Pledge c-20 of SOL is not eligible virtual-asset collateral (BTC, ETH).',
      evidence: { event_id: 'c-20', asset: 'SOL' },
    }),
    finding('MF-2', 'high', 'c-21', {
      account_id: 'C-8',
      seq: 21,
      ts: '2026-02-12T11:05:00Z',
      detail: 'Pledge c-21 of BTC carries haircut 0.5, below the floor 0.60.',
      evidence: { event_id: 'c-21', haircut: '0.5', floor: '0.60' },
    }),
    finding('MF-3', 'high', 'c-22', {
      account_id: 'C-8',
      seq: 22,
      ts: '2026-02-12T12:00:00Z',
      detail: 'After draw c-22 loan L-2 owes 50000 against a lending value of 38800.',
      evidence: { event_id: 'c-22', outstanding: '50000', lending_value: '38800' },
    }),
    finding('MF-4', 'high', 'c-23', {
      account_id: 'C-9',
      seq: 23,
      ts: '2026-02-12T12:30:00Z',
      detail: 'Draw c-23 on VA-backed loan L-3 by C-9, not a securities margin client.',
      evidence: { event_id: 'c-23', loan_id: 'L-3' },
    }),
    finding('MF-5', 'medium', 'c-24', {
      account_id: 'C-8',
      seq: 24,
      ts: '2026-02-12T13:00:00Z',
      detail: 'Credit limit c-24 raised C-8 from 10000 to 50000 within 24 h of its first VA pledge c-20.',
      evidence: { event_id: 'c-24', previous: '10000', amount: '50000' },
    }),
    finding('MF-6', 'medium', 'c-25', {
      seq: 25,
      ts: '2026-02-12T14:00:00Z',
      detail: 'Valuation c-25 of BTC left loan L-2 short and no margin call followed within PT1H.',
      evidence: { event_id: 'c-25', loans: ['L-2'] },
    }),
    finding('PERP-1', 'high', 'o-300', {
      symbol: 'BTC-PERP',
      account_id: 'C-10',
      seq: 3000,
      ts: '2026-02-12T15:00:00Z',
      detail: 'Retail client C-10 placed perpetual order o-300 on BTC-PERP.',
      evidence: { order_id: 'o-300', investor_class: 'retail' },
    }),
    finding('PERP-2', 'high', 'DOGE-PERP', {
      symbol: 'DOGE-PERP',
      detail: 'Perpetual DOGE-PERP references DOGE, which is not approved for retail spot trading.',
      evidence: { symbol: 'DOGE-PERP', reference_asset: 'DOGE' },
    }),
    finding('DQ-1', 'medium', 'orders/orders-2.csv.gz:17', {
      detail: 'Line 17 of orders/orders-2.csv.gz has 9 cells where the header has 11.',
      evidence: { file: 'orders/orders-2.csv.gz', line: 17, reason: 'wrong number of cells' },
    }),
    finding('DQ-2', 'high', 'orders+trades:1881', {
      detail: 'seq 1881 appears twice in orders+trades.',
      evidence: { occurrences: 2, records: ['orders/orders-1.jsonl:1881', 'trades/trades-1.csv:44'] },
    }),
    finding('DQ-3', 'high', 't-2200', {
      symbol: 'ETH-USD',
      seq: 2200,
      ts: '2026-02-12T16:00:00Z',
      detail: 'Trade t-2200 maker o-999 is unknown to the replay.',
      evidence: { trade_id: 't-2200', maker_order_id: 'o-999' },
    }),
    finding('DQ-4', 'high', 'orders+trades:1890-1894', {
      detail: 'seq 1890 to 1894 are missing from orders+trades.',
      evidence: { from: 1890, to: 1894 },
    }),
    finding('DQ-5', 'medium', 'W-X-1', {
      detail: 'Wallet W-X-1 is referenced by c-30 but absent from wallets/.',
      evidence: { id: 'W-X-1', kind: 'wallet', first_reference: 'collateral/collateral.jsonl:30' },
    }),
    finding('DQ-6', 'medium', 'o-404', {
      symbol: 'BTC-USD',
      seq: 2300,
      ts: '2026-02-12T17:00:00Z',
      detail: 'Cancel of order o-404, which the replay does not know.',
      evidence: { order_id: 'o-404', event: 'cancel' },
    }),
  ];
}

export function realisticPopulation(): Record<string, Population> {
  const pop: Record<string, Population> = {};
  for (const c of CHECKS) pop[c.id] = { examined: 100, notTested: {} };
  pop['CP-1'] = { examined: 412, notTested: { 'auction-phase trade': 12, 'maker not in the book (DQ-3)': 1 } };
  pop['CP-2'] = { examined: 412, notTested: { 'auction-phase trade': 12, 'maker not in the book (DQ-3)': 1 } };
  pop['FS-4'] = { examined: 57, notTested: {} };
  pop['FS-5'] = { examined: 9, notTested: { 'access log not delivered; orders only': 1 } };
  pop['MMT-3'] = { examined: 0, notTested: {} };
  pop['PERP-2'] = { examined: 3, notTested: {} };
  return pop;
}

export function realisticInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    manifest: {
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    },
    run_id: RUN_ID,
    tool_version: '0.1.0',
    rules_version: '1',
    input_digest: DIGEST,
    parameters: DEFAULT_PARAMETERS,
    population: realisticPopulation(),
    findings: realisticFindings(),
    files: [
      {
        path: 'accounts/accounts.jsonl',
        record_type: 'accounts',
        records: 12,
        accepted: 12,
        quarantined: 0,
        fault: null,
      },
      {
        path: 'orders/orders-1.jsonl',
        record_type: 'orders',
        records: 2400,
        accepted: 2400,
        quarantined: 0,
        fault: null,
      },
      {
        path: 'orders/orders-2.csv.gz',
        record_type: 'orders',
        records: 310,
        accepted: 307,
        quarantined: 3,
        fault: 'truncated gzip at line 311',
      },
      { path: 'trades/trades-1.csv', record_type: 'trades', records: 430, accepted: 429, quarantined: 1, fault: null },
      {
        path: 'collateral/collateral.jsonl',
        record_type: 'collateral',
        records: 40,
        accepted: 40,
        quarantined: 0,
        fault: null,
      },
    ],
    responses: {
      'f-cp-1-t1881': {
        status: 'disputed',
        response: 'Order o-12 was flagged as a self-trade-prevention candidate by the matching engine.',
        responded_by: 'Head of Compliance, HKVX',
        responded_at: '2026-02-20',
      },
      'f-nrh-1-c3': { status: 'accepted', response: 'Remediated on 2026-02-14; assets returned.', responded_by: 'COO' },
      'f-old-1': { status: 'remediated', response: 'Closed last period.' },
    },
    key_fingerprint: FINGERPRINT,
    ...overrides,
  };
}
