/**
 * MF-7 and the changed PERP-2 in every path that runs them, on a small contract-2 dataset folder written here (the
 * collateral ledger split over two files out of seq order): the pack's RuleSet fed the same records, the
 * single-process run (auditDataset) and the distributed run's Ledger step (after Plan, against the embedded S3) give
 * the same MF-7 findings and population; the RuleSet and auditDataset the same PERP-2. Without a collateral/ folder
 * MF-7 is not tested in both runs; the same folder as a contract-1 dataset has no MF-7 and the version-1 PERP-2.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDirectory } from '#shared/adapters/s3/objects.js';
import { RuleSet } from '#shared/audit/ruleSet.js';
import { declarationsOf } from '#shared/checks/pack.js';
import { DEFAULT_PARAMETERS, parametersForContract } from '#shared/config/parameters.js';
import type { FindingDraft } from '#shared/contract/finding.js';
import {
  type Account,
  type CollateralEvent,
  type ContractVersion,
  collateralEventSchema,
  type Instrument,
  type Wallet,
} from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { type EmbeddedStack, startEmbeddedStack } from '#shared/local/embeddedStack.js';
import { auditDataset } from '#shared/pipeline/auditDataset.js';
import { auditLedger, LEDGER_FILE, type LedgerResult } from '#shared/pipeline/partition/ledger.js';
import { planRun } from '#shared/pipeline/partition/runPlan.js';
import { s3WorkArea } from '#shared/pipeline/partition/workArea.js';
import { buildReferenceData } from '#shared/reference/referenceData.js';
import { run } from '../collateral/harness.js';

const RAW = 'raw-logs';
const WORK = 'work-area';

const ACCOUNTS: Account[] = [
  {
    account_id: 'C-1',
    entity_id: 'E-C1',
    role: 'client',
    investor_class: 'professional',
    securities_margin_client: true,
  },
  { account_id: 'C-2', entity_id: 'E-C2', role: 'client', investor_class: 'retail', securities_margin_client: true },
];
const WALLETS: Wallet[] = [
  { wallet_id: 'W-C1-FREE', owner_entity_id: 'E-C1', kind: 'client_free' },
  { wallet_id: 'W-C2-FREE', owner_entity_id: 'E-C2', kind: 'client_free' },
  { wallet_id: 'W-COLL-1', owner_entity_id: 'E-OP', kind: 'client_collateral' },
];
const INSTRUMENTS: Instrument[] = [
  { symbol: 'BTC-USD', product: 'spot', reference_asset: 'BTC', retail_spot_approved: true },
  { symbol: 'NOIDX-PERP', product: 'perpetual', reference_asset: 'NOIDX', retail_spot_approved: false },
  {
    symbol: 'IDX-PERP',
    product: 'perpetual',
    reference_asset: 'IDX',
    retail_spot_approved: false,
    reference_index_iosco: true,
  },
];

const c1Pledge = { event: 'pledge', account_id: 'C-1', asset_class: 'virtual_asset', from_wallet: 'W-C1-FREE' };
const c1Release = { event: 'release', account_id: 'C-1', from_wallet: 'W-COLL-1', to_wallet: 'W-C1-FREE' };
/** BTC: 15 min (no finding), then 15 min + 1 ns (finding); ETH: the period-end tail 15 min + 1 ns; DOGE: 10 min. */
const COLLATERAL = [
  {
    ts: '2026-02-12T10:00:00Z',
    ...c1Pledge,
    asset: 'BTC',
    qty: '1',
    to_wallet: 'W-COLL-1',
    loan_id: 'L-1',
    price: '97000',
    haircut: '0.6',
  },
  { ts: '2026-02-12T10:15:00Z', event: 'valuation', asset: 'BTC', price: '97100' },
  { ts: '2026-02-12T10:30:00.000000001Z', ...c1Release, asset: 'BTC', qty: '0.5', loan_id: 'L-1' },
  // Stamped before the release it follows in seq: 5 min after c-2, and the last observation from then on.
  { ts: '2026-02-12T10:20:00Z', event: 'valuation', asset: 'BTC', price: '97200' },
  { ts: '2026-02-12T10:32:00Z', ...c1Release, asset: 'BTC', qty: '0.5', loan_id: 'L-1' },
  {
    ts: '2026-02-12T23:44:59.999999999Z',
    event: 'pledge',
    account_id: 'C-2',
    asset: 'ETH',
    asset_class: 'virtual_asset',
    qty: '3',
    from_wallet: 'W-C2-FREE',
    to_wallet: 'W-COLL-1',
    loan_id: 'L-2',
    price: '3000',
    haircut: '0.6',
  },
  {
    ts: '2026-02-12T12:00:00Z',
    ...c1Pledge,
    asset: 'DOGE',
    qty: '5',
    to_wallet: 'W-COLL-1',
    loan_id: 'L-3',
    price: '0.2',
    haircut: '0.7',
  },
  { ts: '2026-02-12T12:10:00Z', event: 'valuation', asset: 'DOGE', price: '0.21' },
  { ts: '2026-02-12T12:20:00Z', ...c1Release, asset: 'DOGE', qty: '5', loan_id: 'L-3' },
].map((e, i) => ({ seq: i + 1, event_id: `c-${i + 1}`, ...e }));

const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

async function writeDataset(root: string, contract: ContractVersion, withCollateral = true): Promise<string> {
  const put = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  };
  await put(
    'manifest.json',
    JSON.stringify({
      contract,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    }),
  );
  await put('accounts/accounts.jsonl', jsonl(ACCOUNTS));
  await put('staff/staff.jsonl', jsonl([{ user_id: 'u-ops1', entity_id: 'E-OP', function: 'platform_operations' }]));
  await put('wallets/wallets.jsonl', jsonl(WALLETS));
  await put('instruments/instruments.jsonl', jsonl(INSTRUMENTS));
  if (withCollateral) {
    // Odd seqs in one file, even in the other, the second file listed first: the readers put them in seq order.
    await put('collateral/b.jsonl', jsonl(COLLATERAL.filter((e) => e.seq % 2 === 0)));
    await put('collateral/a.jsonl', jsonl(COLLATERAL.filter((e) => e.seq % 2 === 1)));
  }
  return root;
}

/** Findings and population of one check, as plain JSON (the form a run's results take). */
function ofCheck(findings: readonly FindingDraft[], population: unknown, checkId: string) {
  return JSON.parse(JSON.stringify({ findings: findings.filter((f) => f.check_id === checkId), population }));
}

let dir: string;
let stack: EmbeddedStack;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vatp-mf7-'));
  stack = await startEmbeddedStack({ dataDir: join(dir, 'stack'), buckets: [RAW, WORK] });
});

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function singleProcess(root: string) {
  const audited = await auditDataset(
    { input: root, parameters: DEFAULT_PARAMETERS, toolVersion: 'test', tmpDir: join(dir, 'tmp') },
    {
      s3: () => {
        throw new Error('no S3 for a local folder');
      },
    },
  );
  return audited.collector;
}

/** Plan then Ledger, as the state machine runs them, on the folder uploaded to the embedded S3. */
async function ledgerStep(root: string, name: string): Promise<LedgerResult> {
  await uploadDirectory(stack.s3, root, RAW, `venue=HKVX/date=${name}/`);
  const state = await planRun(
    {
      input: `s3://${RAW}/venue=HKVX/date=${name}/`,
      parameters: DEFAULT_PARAMETERS,
      toolVersion: 'test',
      workRoot: `s3://${WORK}/runs/`,
      outFor: () => `s3://${WORK}/out/${name}/`,
    },
    { s3: stack.s3, now: () => new Date('2026-02-13T02:30:00Z'), newId: () => 'attempt-1' },
  );
  await auditLedger(state, { s3: stack.s3 }, { tmpDir: join(dir, 'tmp'), sortMemoryRecords: 3 });
  return s3WorkArea(stack.s3, state.run.work).getJson<LedgerResult>(LEDGER_FILE);
}

/** The pack's RuleSet fed the dataset's records directly (the collateral auditor; PERP-2 from the reference). */
function ruleSetRun() {
  const ref = buildReferenceData({
    manifest: {
      contract: 2,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    },
    accounts: new Map(ACCOUNTS.map((a) => [a.account_id, a])),
    staff: new Map(),
    wallets: new Map(WALLETS.map((w) => [w.wallet_id, w])),
    instruments: new Map(INSTRUMENTS.map((i) => [i.symbol, i])),
    hasAccessLog: false,
  });
  const params = parametersForContract(DEFAULT_PARAMETERS, 2);
  const collateral = run(
    COLLATERAL.map((e) => collateralEventSchema.parse(e) as CollateralEvent),
    { ref, params },
  );
  const perp = new FindingCollector();
  new RuleSet({ ref, params, sink: perp }, declarationsOf(['PERP-2'])).finish();
  return { collateral: collateral.sink, perp };
}

describe('MF-7 and PERP-2 on a contract-2 dataset, in every path', () => {
  it('the RuleSet, auditDataset and the Ledger step report the same MF-7 findings and population', async () => {
    const root = await writeDataset(join(dir, 'v2'), 2);
    const direct = ruleSetRun().collateral;
    const single = await singleProcess(root);
    const ledger = await ledgerStep(root, 'v2');

    const expected = ofCheck(direct.findings(), direct.population('MF-7'), 'MF-7');
    expect(expected.findings.map((f: FindingDraft) => f.subject)).toEqual(['BTC', 'ETH']);
    expect(expected.population).toEqual({ examined: 3, notTested: {} });
    expect(expected.findings[0].evidence.longest_gap).toEqual({
      from: { event: 'valuation', event_id: 'c-2', seq: 2, ts: '2026-02-12T10:15:00Z' },
      to: { event: 'release', event_id: 'c-3', seq: 3, ts: '2026-02-12T10:30:00.000000001Z' },
      length_ns: '900000000001',
    });
    expect(expected.findings[1]).toMatchObject({ seq: 6, ts: '2026-02-12T23:44:59.999999999Z', account_id: 'C-2' });
    expect(expected.findings[1].evidence.longest_gap.to).toEqual({
      event: null,
      event_id: null,
      seq: null,
      ts: '2026-02-13T00:00:00Z',
    });

    expect(ofCheck(single.findings(), single.population('MF-7'), 'MF-7')).toEqual(expected);
    expect(ofCheck(ledger.findings, ledger.populations['MF-7'], 'MF-7')).toEqual(expected);
  });

  it('the RuleSet and auditDataset report the same PERP-2: the perpetual on an IOSCO index complies', async () => {
    const root = await writeDataset(join(dir, 'v2-perp'), 2);
    const { perp } = ruleSetRun();
    const single = await singleProcess(root);
    const expected = ofCheck(perp.findings(), perp.population('PERP-2'), 'PERP-2');
    expect(expected.findings.map((f: FindingDraft) => f.subject)).toEqual(['NOIDX-PERP']);
    expect(expected.findings[0].evidence).toMatchObject({ reference_index_iosco: false });
    expect(ofCheck(single.findings(), single.population('PERP-2'), 'PERP-2')).toEqual(expected);
  });

  it('without a collateral/ folder MF-7 is not tested, in both runs, with that reason', async () => {
    const root = await writeDataset(join(dir, 'v2-no-collateral'), 2, false);
    const reason = { 'the dataset has no collateral ledger (collateral/ folder absent)': 0 };
    const single = await singleProcess(root);
    expect(single.population('MF-7')).toEqual({ examined: 0, notTested: reason });
    const ledger = await ledgerStep(root, 'v2-no-collateral');
    expect(ledger.populations['MF-7']).toEqual({ examined: 0, notTested: reason });
    expect([...single.findings(), ...ledger.findings].filter((f) => f.check_id === 'MF-7')).toEqual([]);
  });

  it('the same folder as a contract-1 dataset: no MF-7, and PERP-2 judged on retail_spot_approved alone', async () => {
    const root = await writeDataset(join(dir, 'v1'), 1);
    const single = await singleProcess(root);
    expect(single.findings().filter((f) => f.check_id === 'MF-7')).toEqual([]);
    expect(single.population('MF-7')).toEqual({ examined: 0, notTested: {} });
    const perp2 = single.findings().filter((f) => f.check_id === 'PERP-2');
    expect(perp2.map((f) => f.subject).sort()).toEqual(['IDX-PERP', 'NOIDX-PERP']);
    expect(Object.keys(perp2[0]!.evidence)).toEqual(['symbol', 'product', 'reference_asset', 'retail_spot_approved']);
    const ledger = await ledgerStep(root, 'v1');
    expect(ledger.findings.filter((f) => f.check_id === 'MF-7')).toEqual([]);
    expect(ledger.populations['MF-7']).toBeUndefined();
  });
});
