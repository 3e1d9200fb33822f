import { describe, expect, it } from 'vitest';
import type { RecordType } from '#shared/contract/records.js';
import { readOne, VALID } from './helpers.js';

type Case = [name: string, record: unknown, accepted: boolean];

const without = (rec: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(rec).filter(([k]) => !keys.includes(k)));
const withField = (rec: Record<string, unknown>, key: string, value: unknown) => ({ ...rec, [key]: value });

/** Writes every case as one JSONL line and checks which lines are accepted and which are set aside. */
async function check(type: RecordType, cases: Case[]): Promise<void> {
  const text = cases.map(([, r]) => JSON.stringify(r)).join('\n');
  const res = await readOne(`${type}/cases.jsonl`, text);
  const acceptedLines = new Set(res.accepted.map((a) => a.line));
  const rejected = new Map(res.quarantine.map((q) => [q.line, q.reason]));
  cases.forEach(([name, , ok], i) => {
    const line = i + 1;
    expect({ name, accepted: acceptedLines.has(line) }, rejected.get(line) ?? '').toEqual({ name, accepted: ok });
    if (!ok) expect(rejected.has(line), name).toBe(true);
  });
  expect(res.stats!.records).toBe(cases.length);
  expect(res.stats!.accepted + res.stats!.quarantined).toBe(cases.length);
}

const longId = 'x'.repeat(129);
const id128 = '😀'.repeat(128); // 128 code points, 256 UTF-16 units

describe('record schemas through JSONL (DQ-1 on every contract rule)', () => {
  it('DQ-1: accounts — required fields, roles, investor_class nullable, securities_margin_client default', async () => {
    const a = VALID.accounts;
    await check('accounts', [
      ['valid', a, true],
      ['investor_class null', withField(a, 'investor_class', null), true],
      ['investor_class absent', without(a, 'investor_class'), true],
      ['securities_margin_client true', withField(a, 'securities_margin_client', true), true],
      ['unknown field ignored', withField(a, 'colour', 'blue'), true],
      ['missing account_id', without(a, 'account_id'), false],
      ['missing entity_id', without(a, 'entity_id'), false],
      ['missing role', without(a, 'role'), false],
      ['bad role', withField(a, 'role', 'broker'), false],
      ['bad investor_class', withField(a, 'investor_class', 'qualified'), false],
      ['securities_margin_client as text', withField(a, 'securities_margin_client', 'true'), false],
      ['empty id', withField(a, 'account_id', ''), false],
      ['id of 129 code points', withField(a, 'account_id', longId), false],
      ['id of 128 astral code points', withField(a, 'account_id', id128), true],
      ['id as number', withField(a, 'account_id', 7), false],
    ]);
  });

  it('DQ-1: staff, wallets, instruments — every field required, enums checked', async () => {
    const s = VALID.staff;
    await check('staff', [
      ['valid', s, true],
      ['missing user_id', without(s, 'user_id'), false],
      ['missing entity_id', without(s, 'entity_id'), false],
      ['missing function', without(s, 'function'), false],
      ['bad function', withField(s, 'function', 'trading'), false],
      ['null user_id', withField(s, 'user_id', null), false],
    ]);
    const w = VALID.wallets;
    await check('wallets', [
      ['valid', w, true],
      ['client_collateral', withField(w, 'kind', 'client_collateral'), true],
      ['missing wallet_id', without(w, 'wallet_id'), false],
      ['missing owner_entity_id', without(w, 'owner_entity_id'), false],
      ['bad kind', withField(w, 'kind', 'cold'), false],
    ]);
    const i = VALID.instruments;
    await check('instruments', [
      ['valid', i, true],
      ['perpetual', withField(i, 'product', 'perpetual'), true],
      ['bad product', withField(i, 'product', 'future'), false],
      ['missing retail_spot_approved', without(i, 'retail_spot_approved'), false],
      ['retail_spot_approved as text', withField(i, 'retail_spot_approved', 'false'), false],
      ['missing reference_asset', without(i, 'reference_asset'), false],
    ]);
  });

  it('DQ-1: orders — required per event, decimals as strings, timestamps in UTC without leap seconds', async () => {
    const o = VALID.orders;
    const cancel = without(o, 'type', 'price', 'qty', 'tif', 'mm_tag');
    await check('orders', [
      ['valid new', o, true],
      ['new market without price', withField(without(o, 'price'), 'type', 'market'), true],
      ['new limit without price', without(o, 'price'), false],
      ['new without type', without(o, 'type'), false],
      ['new without qty', without(o, 'qty'), false],
      ['new without tif', without(o, 'tif'), false],
      ['new without mm_tag', without(o, 'mm_tag'), false],
      ['snapshot limit', withField(o, 'event', 'snapshot'), true],
      ['snapshot market', { ...o, event: 'snapshot', type: 'market' }, false],
      ['amend with qty and mm_tag', { ...cancel, event: 'amend', qty: '2', mm_tag: false }, true],
      ['amend without qty', { ...cancel, event: 'amend', mm_tag: false }, false],
      ['amend without mm_tag', { ...cancel, event: 'amend', qty: '2' }, false],
      ['cancel with only the common fields', { ...cancel, event: 'cancel' }, true],
      ['expire', { ...cancel, event: 'expire' }, true],
      ['reject', { ...cancel, event: 'reject' }, true],
      ['cancel without account_id', without({ ...cancel, event: 'cancel' }, 'account_id'), false],
      ['cancel without side', without({ ...cancel, event: 'cancel' }, 'side'), false],
      ['cancel without symbol', without({ ...cancel, event: 'cancel' }, 'symbol'), false],
      ['missing order_id', without(o, 'order_id'), false],
      ['missing seq', without(o, 'seq'), false],
      ['missing ts', without(o, 'ts'), false],
      ['bad event', withField(o, 'event', 'modify'), false],
      ['bad side', withField(o, 'side', 'long'), false],
      ['bad tif', withField(o, 'tif', 'gtd'), false],
      ['price as JSON number', withField(o, 'price', 97000.1), false],
      ['qty as JSON number', withField(o, 'qty', 1), false],
      ['price with exponent', withField(o, 'price', '9.7e4'), false],
      ['price with plus sign', withField(o, 'price', '+1'), false],
      ['price zero', withField(o, 'price', '0'), false],
      ['price negative', withField(o, 'price', '-1'), false],
      ['price with trailing dot', withField(o, 'price', '1.'), false],
      ['display_qty zero', withField(o, 'display_qty', '0'), true],
      ['display_qty null', withField(o, 'display_qty', null), true],
      ['display_qty negative', withField(o, 'display_qty', '-0.1'), false],
      ['seq negative', withField(o, 'seq', -1), false],
      ['seq fractional', withField(o, 'seq', 1.5), false],
      ['seq as string', withField(o, 'seq', '1'), false],
      ['seq beyond 2^53', withField(o, 'seq', 2 ** 53), false],
      ['ts with +00:00 offset', withField(o, 'ts', '2026-02-12T01:00:00+00:00'), false],
      ['ts with +08:00 offset', withField(o, 'ts', '2026-02-12T09:00:00+08:00'), false],
      ['ts without zone', withField(o, 'ts', '2026-02-12T01:00:00'), false],
      ['ts leap second', withField(o, 'ts', '2016-12-31T23:59:60Z'), false],
      ['ts 10 fraction digits', withField(o, 'ts', '2026-02-12T01:00:00.1234567890Z'), false],
      ['ts 9 fraction digits', withField(o, 'ts', '2026-02-12T01:00:00.123456789Z'), true],
      ['ts impossible date', withField(o, 'ts', '2026-02-30T01:00:00Z'), false],
      ['ts lower-case z', withField(o, 'ts', '2026-02-12T01:00:00z'), false],
      ['mm_tag as text', withField(o, 'mm_tag', 'false'), false],
      ['user_id null (system event)', withField(o, 'user_id', null), true],
      ['user_id too long', withField(o, 'user_id', longId), false],
      ['source_ip number', withField(o, 'source_ip', 10), false],
    ]);
  });

  it('DQ-1: trades — every field but phase required, phase defaults to continuous', async () => {
    const t = VALID.trades;
    const cases: Case[] = [
      ['valid', t, true],
      ['auction', withField(t, 'phase', 'auction'), true],
      ['bad phase', withField(t, 'phase', 'closing'), false],
      ['price as number', withField(t, 'price', 97000.1), false],
      ['qty zero', withField(t, 'qty', '0'), false],
    ];
    for (const k of Object.keys(t)) cases.push([`missing ${k}`, without(t, k), false]);
    await check('trades', cases);
    const res = await readOne('trades/t.jsonl', JSON.stringify(t));
    expect(res.accepted[0]!.rec.phase).toBe('continuous');
  });

  it('DQ-1: collateral — fields of each event required (account_id optional on transfer), qty/amount rules', async () => {
    const base = { seq: 1, ts: '2026-02-12T02:00:00Z', event_id: 'c-1' };
    const full = {
      account_id: 'C-1',
      asset: 'BTC',
      asset_class: 'virtual_asset',
      qty: '1',
      from_wallet: 'W-A',
      to_wallet: 'W-B',
      loan_id: 'L-1',
      price: '97000',
      haircut: '0.6',
      amount: '100',
      counterparty: 'E-X',
    };
    const need: Record<string, string[]> = {
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
    const cases: Case[] = [];
    for (const [event, fields] of Object.entries(need)) {
      const only = Object.fromEntries(fields.map((f) => [f, full[f as keyof typeof full]]));
      cases.push([`${event} with its fields`, { ...base, event, ...only }, true]);
      for (const f of fields) cases.push([`${event} without ${f}`, { ...base, event, ...without(only, f) }, false]);
      cases.push([`${event} with ${fields[0]} null`, { ...base, event, ...only, [fields[0]!]: null }, false]);
    }
    cases.push(
      [
        'transfer without account_id',
        { ...base, event: 'transfer', asset: 'BTC', qty: '1', from_wallet: 'a', to_wallet: 'b' },
        true,
      ],
      ['balance qty zero', { ...base, event: 'balance', from_wallet: 'W', asset: 'BTC', qty: '0' }, true],
      ['deposit qty zero', { ...base, event: 'deposit', ...full, qty: '0' }, false],
      ['credit_limit amount zero', { ...base, event: 'credit_limit', account_id: 'C', amount: '0' }, true],
      ['loan_draw amount zero', { ...base, event: 'loan_draw', account_id: 'C', loan_id: 'L', amount: '0' }, false],
      ['amount as JSON number', { ...base, event: 'loan_draw', account_id: 'C', loan_id: 'L', amount: 5 }, false],
      ['bad event', { ...base, event: 'mint' }, false],
      ['bad asset_class', { ...base, event: 'deposit', ...full, asset_class: 'commodity' }, false],
      ['missing event_id', { seq: 1, ts: base.ts, event: 'default', account_id: 'C', loan_id: 'L' }, false],
    );
    await check('collateral', cases);
  });

  it('DQ-1: access — every field but user_id and source_ip required', async () => {
    const a = VALID.access;
    const cases: Case[] = [
      ['valid', a, true],
      ['with user_id and ip', { ...a, user_id: 'u-1', source_ip: '10.0.0.1' }, true],
      ['user_id null', { ...a, user_id: null }, true],
      ['bad classification', withField(a, 'classification', 'secret'), false],
      ['granted as text', withField(a, 'granted', 'yes'), false],
    ];
    for (const k of Object.keys(a)) cases.push([`missing ${k}`, without(a, k), false]);
    await check('access', cases);
  });
});

describe('record schemas through CSV', () => {
  it('DQ-1: CSV booleans are true/false, empty cells quoted or not are null, integers are digits', async () => {
    const header = 'seq,ts,event_id,user_id,resource,classification,action,granted,source_ip';
    const rows = [
      '1,2026-02-12T02:00:00Z,a-1,,db,restricted,read,true,', // empty cells → null: accepted
      '2,2026-02-12T02:00:00Z,a-2,"",db,public,read,false,""', // quoted empty cells → null
      '3,2026-02-12T02:00:00Z,a-3,u,db,public,read,TRUE,', // TRUE is not a boolean
      '4,2026-02-12T02:00:00Z,a-4,u,db,public,read,1,', // 1 is not a boolean
      '5,2026-02-12T02:00:00Z,a-5,u,db,public,read,,', // granted required: empty is null
      '6.0,2026-02-12T02:00:00Z,a-6,u,db,public,read,true,', // seq must be an integer
      '-7,2026-02-12T02:00:00Z,a-7,u,db,public,read,true,',
      '8,2026-02-12T02:00:00Z,"",u,db,public,read,true,', // event_id required
    ];
    const res = await readOne('access/a.csv', [header, ...rows].join('\n'));
    expect(res.accepted.map((a) => a.line)).toEqual([2, 3]);
    expect(res.accepted[0]!.rec).toMatchObject({ seq: 1, user_id: null, source_ip: null, granted: true });
    expect(res.accepted[1]!.rec).toMatchObject({ seq: 2, granted: false, user_id: null });
    expect(res.quarantine.map((q) => q.line)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('DQ-1: CSV decimals are cell text; an empty price on a limit order is a missing field', async () => {
    const header = 'seq,ts,event,order_id,symbol,account_id,side,type,price,qty,tif,mm_tag,unknown_col';
    const res = await readOne(
      'orders/o.csv',
      [
        header,
        '1,2026-02-12T01:00:00Z,new,o-1,BTC-USD,C-1,buy,limit,97000.10,1,gtc,false,whatever',
        '2,2026-02-12T01:00:00Z,new,o-2,BTC-USD,C-1,buy,limit,,1,gtc,false,',
        '3,2026-02-12T01:00:00Z,new,o-3,BTC-USD,C-1,buy,market,,1,ioc,false,',
      ].join('\r\n'),
    );
    expect(res.accepted.map((a) => [a.line, a.rec.price])).toEqual([
      [2, '97000.10'],
      [4, null],
    ]);
    expect(res.quarantine).toHaveLength(1);
    expect(res.quarantine[0]).toMatchObject({ line: 3, record_type: 'orders', scope: 'record' });
    expect(res.quarantine[0]!.reason).toContain('price');
  });
});
