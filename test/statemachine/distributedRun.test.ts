/**
 * The deployed state machine, executed locally (aws-local-stepfunctions) with its Lambda tasks bound to the real
 * handlers, against the embedded S3 and DynamoDB, must produce exactly the evidence pack of the single-process
 * `runAudit` on the same dataset: findings, summary, quarantine, report and manifest byte for byte, and a signature
 * that verifies. Datasets: generated (shuffled, mixed formats, injected violations), the spec's worked example, and a
 * hand-made one whose orders, trades, sessions, IPs and unknown ids cross symbols and partitions.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBucket, uploadDirectory } from '#shared/adapters/s3/objects.js';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { LocalFileSigner } from '#shared/evidence/signer.js';
import { verifyEvidencePack } from '#shared/evidence/verify.js';
import { generateDataset } from '#shared/generator/index.js';
import { type EmbeddedStack, startEmbeddedStack } from '#shared/local/embeddedStack.js';
import { PACK_FILES } from '#shared/pipeline/finalizeRun.js';
import { checkpointFile, type PartitionState } from '#shared/pipeline/partition/auditPartition.js';
import { INGEST_FILE, type IngestResult } from '#shared/pipeline/partition/ingest.js';
import { LEDGER_FILE, type LedgerResult } from '#shared/pipeline/partition/ledger.js';
import { s3WorkArea } from '#shared/pipeline/partition/workArea.js';
import { runAudit } from '#shared/pipeline/runAudit.js';
import { s3EvidenceBlobStore } from '#shared/store/evidenceBlobs.js';
import { FindingsStore } from '#shared/store/findingsStore.js';
import { partition } from '../../lambdas/partition.js';
import { createServices, type LambdaConfig } from '../../lambdas/runtime.js';
import { cleanupAssemblies } from '../cdk/synthHelpers.js';
import { WORKED_EXAMPLE } from '../fixtures/workedExample.js';
import { writeCrossingDataset } from './crossingDataset.js';
import { executeLocally } from './localExecution.js';
import { MARGIN_CHECKS, MARGIN_FINDINGS, writeMarginDataset } from './marginDataset.js';
import { SHARED_BOOK_FINDINGS, writeSharedBookDataset } from './sharedBookDataset.js';

const RAW = 'raw-logs';
const WORK = 'work-area';
const EVIDENCE = 'evidence';
const TABLE = 'vatp-audit-findings';
const TOOL_VERSION = 'statemachine-test';
const EXAMPLE = WORKED_EXAMPLE;
const FIXED_NOW = () => new Date('2026-02-13T02:30:00Z');
/** The checks the shared-order-book dataset is built for (the perpetual-margin checks judge its margin too). */
const OWN = /^(CP|DQ|SOB)-/;

let dir: string;
let stack: EmbeddedStack;
let signer: LocalFileSigner;
let store: FindingsStore;

const config: LambdaConfig = {
  rawBucket: RAW,
  workBucket: WORK,
  evidenceBucket: EVIDENCE,
  findingsTable: TABLE,
  signingKeyId: undefined,
  timeZone: 'Asia/Hong_Kong',
  datasetLayout: 'venue={venue}/date={date}/',
  toolVersion: TOOL_VERSION,
  parameters: DEFAULT_PARAMETERS,
  tmpDir: '',
  sortMemoryRecords: 500,
  // Small chunks, so that symbols and partitions span several chunk objects.
  chunkBytes: 4096,
  sliceReserveSeconds: 120,
  sliceMaxItems: undefined,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vatp-sfn-'));
  config.tmpDir = join(dir, 'tmp');
  await mkdir(config.tmpDir);
  stack = await startEmbeddedStack({ dataDir: join(dir, 'stack'), buckets: [RAW, WORK, EVIDENCE] });
  signer = new LocalFileSigner({ keyFile: join(dir, 'signing-key.pem') });
  store = new FindingsStore({
    dynamo: stack.dynamo,
    tableName: TABLE,
    blobs: s3EvidenceBlobStore({ s3: stack.s3, bucket: EVIDENCE }),
  });
  await store.ensureTables();
});

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
  cleanupAssemblies();
});

async function upload(localDir: string, prefix: string): Promise<string> {
  await ensureBucket(stack.s3, RAW);
  await uploadDirectory(stack.s3, localDir, RAW, prefix);
  return `s3://${RAW}/${prefix}`;
}

async function singleProcess(input: string, name: string) {
  const out = `s3://${EVIDENCE}/single/${name}/`;
  const result = await runAudit(
    { input, parameters: DEFAULT_PARAMETERS, toolVersion: TOOL_VERSION, tmpDir: config.tmpDir, sortMemoryRecords: 500 },
    { s3: () => stack.s3, out: openOutputSink(out, { s3: stack.s3 }), signer, now: FIXED_NOW },
  );
  return { out, result };
}

async function distributed(input: string, name: string, cfg: LambdaConfig = config) {
  const out = `s3://${EVIDENCE}/remote/${name}/`;
  const run = await executeLocally(
    { trigger: 'on-demand', input, out },
    { config: cfg, s3: stack.s3, dynamo: stack.dynamo, signer, now: FIXED_NOW },
  );
  return { out, run };
}

async function readPack(uri: string): Promise<Map<string, Buffer>> {
  const sink = openOutputSink(uri, { s3: stack.s3 });
  const files = new Map<string, Buffer>();
  for (const name of await sink.list()) files.set(name, await sink.read(name));
  return files;
}

/** Runs both pipelines on one dataset and asserts equal packs; returns what the tests look at further. */
async function compare(localDir: string, name: string, cfg: LambdaConfig = config) {
  const input = await upload(localDir, `venue=HKVX/date=${name}/`);
  const single = await singleProcess(input, name);
  const remote = await distributed(input, name, cfg);
  const a = await readPack(single.out);
  const b = await readPack(remote.out);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const file of [
    PACK_FILES.findings,
    PACK_FILES.summary,
    PACK_FILES.quarantine,
    PACK_FILES.report,
    PACK_FILES.publicKey,
    PACK_FILES.manifest,
  ]) {
    expect(b.get(file)?.toString('base64'), `${file} of ${name}`).toBe(a.get(file)?.toString('base64'));
  }
  const pack = openOutputSink(remote.out, { s3: stack.s3 });
  const verdict = await verifyEvidencePack({ read: (n) => pack.read(n), list: () => pack.list() }, {});
  return { input, single, remote, findings: single.result.findings, verdict };
}

describe('the state machine, run locally, equals the single-process run', () => {
  it('on the worked example of the spec (CP-1 and NRH-1)', async () => {
    const { findings, remote, verdict } = await compare(EXAMPLE, 'example');
    expect(findings.map((f) => `${f.check_id} ${f.subject} ${f.severity}`)).toEqual([
      'CP-1 t-1 high',
      'NRH-1 c-3 critical',
    ]);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(remote.run.states).toEqual([
      'Plan',
      'Ingest',
      ...remote.run.states.filter((s) => s === 'AuditPartition' || s === 'Ledger'),
      'Aggregate',
      'Report',
      'Store',
    ]);
  });

  it('on a generated dataset (shuffled, mixed formats, injected violations) across several partitions', async () => {
    const data = join(dir, 'generated');
    await generateDataset({
      out: data,
      seed: 20260212,
      orders: 3000,
      violationRate: 0.03,
      format: 'mixed',
      shuffle: true,
      filesPerStream: 3,
      symbols: 5,
    });
    const { findings, remote } = await compare(data, 'generated');
    expect(findings.length).toBeGreaterThan(10);
    expect(new Set(findings.map((f) => f.check_id)).size).toBeGreaterThan(5);
    const ingest = await s3WorkArea(
      stack.s3,
      (remote.run.output as { run: { work: string } }).run.work,
    ).getJson<IngestResult>(INGEST_FILE);
    expect(ingest.partitions.length).toBeGreaterThanOrEqual(2);
    expect(remote.run.states.filter((s) => s === 'AuditPartition')).toHaveLength(ingest.partitions.length);
  });

  it('when partitions are split by time: a checkpoint every few items, the same pack', async () => {
    const data = join(dir, 'sliced');
    await generateDataset({
      out: data,
      seed: 20261122,
      orders: 1500,
      violationRate: 0.04,
      format: 'jsonl',
      shuffle: true,
      filesPerStream: 2,
      symbols: 3,
    });
    // 97 items per invocation: every partition is cut many times, mid-chunk and at chunk ends alike.
    const { findings, remote } = await compare(data, 'sliced', { ...config, sliceMaxItems: 97 });
    expect(findings.length).toBeGreaterThan(10);
    const work = s3WorkArea(stack.s3, (remote.run.output as { run: { work: string } }).run.work);
    const ingest = await work.getJson<IngestResult>(INGEST_FILE);
    const items = ingest.partitions.map((p) => p.reduce((n, s) => n + ingest.symbols[s]!.items, 0));
    const invocations = remote.run.states.filter((s) => s === 'AuditPartition').length;
    expect(invocations).toBe(items.reduce((n, k) => n + Math.floor(k / 97) + 1, 0));
    expect(invocations).toBeGreaterThan(2 * ingest.partitions.length);

    // A slice whose checkpoint is missing or damaged fails with the checkpoint named, never starts afresh.
    const handler = partition.create(
      createServices({
        config,
        s3: stack.s3,
        dynamo: stack.dynamo,
        signer,
        logger: new Logger({ logLevel: 'SILENT' }),
      }),
    );
    const run = (remote.run.output as { run: PartitionState['run'] }).run;
    await expect(handler({ run, partition: 0, slice: 9999 })).rejects.toThrow(/checkpoint-s9998/);
    await work.putBytes(checkpointFile(0, 0), new Uint8Array([1, 2, 3]));
    await expect(handler({ run, partition: 0, slice: 1 })).rejects.toThrow(/checkpoint-s0\.v8\.gz .*cannot be read/);
    await expect(handler({ run, partition: 0, slice: -1 })).rejects.toThrow(/slice -1/);
  });

  it('when an invocation nears its deadline: a checkpoint, and the partition resumes in the next invocation', async () => {
    const data = join(dir, 'deadline');
    await generateDataset({
      out: data,
      seed: 7,
      orders: 2500,
      violationRate: 0.03,
      format: 'csv',
      shuffle: false,
      filesPerStream: 1,
      symbols: 2,
    });
    const input = await upload(data, 'venue=HKVX/date=deadline/');
    const single = await singleProcess(input, 'deadline');
    const services = createServices({
      config,
      s3: stack.s3,
      dynamo: stack.dynamo,
      signer,
      now: FIXED_NOW,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const handler = partition.create(services);
    // Always less time left than the 120 s reserve: each invocation stops at its first deadline look (1,024 items).
    const nearDeadline = { getRemainingTimeInMillis: () => 30_000 };
    const out = `s3://${EVIDENCE}/remote/deadline/`;
    const run = await executeLocally(
      { trigger: 'on-demand', input, out },
      { config, s3: stack.s3, dynamo: stack.dynamo, signer, now: FIXED_NOW },
      { partition: (state) => handler(state as PartitionState, nearDeadline) },
    );
    const a = await readPack(single.out);
    const b = await readPack(out);
    for (const file of [PACK_FILES.findings, PACK_FILES.summary, PACK_FILES.quarantine, PACK_FILES.manifest]) {
      expect(b.get(file)?.toString('base64'), file).toBe(a.get(file)?.toString('base64'));
    }
    const work = s3WorkArea(stack.s3, (run.output as { run: { work: string } }).run.work);
    const ingest = await work.getJson<IngestResult>(INGEST_FILE);
    const items = ingest.partitions.map((p) => p.reduce((n, s) => n + ingest.symbols[s]!.items, 0));
    expect(Math.max(...items)).toBeGreaterThan(1024);
    expect(run.states.filter((s) => s === 'AuditPartition')).toHaveLength(
      items.reduce((n, k) => n + Math.floor(k / 1024) + 1, 0),
    );
  });

  it('on a contract-2 shared-order-book dataset, partitions split by time: routed orders, venues, settlements', async () => {
    const data = join(dir, 'shared-book');
    await writeSharedBookDataset(data, { venues: true, settlements: true });
    // 3 items per invocation: routed orders cross checkpoints open, closed and short of pre-funding.
    const { findings, remote } = await compare(data, 'shared-book', { ...config, sliceMaxItems: 3 });
    expect(findings.map((f) => `${f.check_id} ${f.subject}`).filter((id) => OWN.test(id))).toEqual(
      SHARED_BOOK_FINDINGS,
    );
    const work = s3WorkArea(stack.s3, (remote.run.output as { run: { work: string } }).run.work);
    expect((await work.getJson<IngestResult>(INGEST_FILE)).partitions).toHaveLength(2);
  }, 180_000);

  it('on a contract-2 dataset without venues/ and settlements/: SOB-2 and SOB-3 not tested, with that reason', async () => {
    const bare = join(dir, 'shared-book-bare');
    await writeSharedBookDataset(bare, { venues: false, settlements: false });
    const { single } = await compare(bare, 'shared-book-bare');
    const sob = (id: string) => single.result.summary.checks.find((c) => c.check_id === id)?.not_tested_reasons;
    expect(sob('SOB-2')).toEqual({ 'venues/ folder absent: every route is unknown (see DQ-5)': 8 });
    expect(sob('SOB-3')).toEqual({ 'settlements/ folder absent': 0 });
    // DQ-5 for each of the four venues routed to (GB-…, SG-…, XX-…, ZZ-…).
    expect(single.result.findings.filter((f) => /^DQ-5 [A-Z]{2}-/.test(`${f.check_id} ${f.subject}`))).toHaveLength(4);
  });

  it('on data whose orders, trades, sessions, IPs and unknown ids cross symbols', async () => {
    const data = join(dir, 'crossing');
    await writeCrossingDataset(data);
    const { findings, remote } = await compare(data, 'crossing');
    const ids = findings.map((f) => `${f.check_id} ${f.subject}`);
    // Every case this dataset is built for; most need more than one symbol's (or partition's) view.
    expect(ids).toEqual([
      'DQ-1 orders/orders.jsonl:5',
      'DQ-2 orders+trades:7',
      'DQ-3 t-1',
      'DQ-4 orders+trades:6-6',
      'DQ-4 orders+trades:8-9',
      'DQ-5 C-9',
      'DQ-5 SOL-USD',
      'DQ-5 XRP-USD',
      'DQ-5 w-unknown',
      'DQ-6 o-404',
      'FS-3 S-1',
      'FS-3 S-7',
      'FS-4 a-1',
      'FS-5 10.0.0.1',
      'FS-5 10.0.0.2',
      'FS-5 10.0.0.3',
      'FS-6 P-1',
      'PERP-1 o-8',
      'PERP-2 BTC-PERP',
    ]);
    const ingest = await s3WorkArea(
      stack.s3,
      (remote.run.output as { run: { work: string } }).run.work,
    ).getJson<IngestResult>(INGEST_FILE);
    const groups = ingest.partitions.map((p) => p.map((s) => ingest.symbols[s]!.symbol).sort());
    expect(groups).toEqual(
      expect.arrayContaining([['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD'], ['BTC-PERP'], ['ADA-USD']]),
    );
  });
});

describe('a contract-2 dataset through the state machine', () => {
  it('judges the margin ledger in the Ledger step exactly as the single-process run (PERP-3..7)', async () => {
    const data = join(dir, 'margin');
    await writeMarginDataset(data);
    const { findings, remote } = await compare(data, 'margin');
    expect(findings.filter((f) => f.check_id.startsWith('PERP-')).map((f) => `${f.check_id} ${f.subject}`)).toEqual(
      MARGIN_FINDINGS,
    );
    const dq = findings.filter((f) => f.subject.startsWith('margin'));
    expect(dq.map((f) => `${f.check_id} ${f.subject}`)).toEqual([
      'DQ-1 margin/part-2/ledger.csv.gz:2',
      'DQ-2 margin:16',
      'DQ-2 margin:18',
      'DQ-4 margin:17-17',
    ]);
    // Where the margin stream is replayed: the Ledger step reports them (and every PERP-3..7 count).
    const ledger = await s3WorkArea(
      stack.s3,
      (remote.run.output as { run: { work: string } }).run.work,
    ).getJson<LedgerResult>(LEDGER_FILE);
    expect(
      ledger.findings.filter((f) => f.check_id.startsWith('PERP-')).map((f) => `${f.check_id} ${f.subject}`),
    ).toEqual(MARGIN_FINDINGS);
    expect(Object.keys(ledger.populations).filter((c) => c.startsWith('PERP-'))).toEqual(MARGIN_CHECKS);
  });
});

describe('the findings store after a distributed run', () => {
  it('holds the completed run with the counts of the summary, and exactly the pack’s findings', async () => {
    const input = `s3://${RAW}/venue=HKVX/date=example/`;
    const remote = await distributed(input, 'example-store');
    const runId = (remote.run.output as { run: { run_id: string } }).run.run_id;
    const run = await store.getRun(runId);
    expect(run?.status).toBe('completed');
    expect(run?.findings_total).toBe(2);
    expect(run?.counts?.['CP-1']).toMatchObject({ examined: 1, findings: { high: 1 } });
    const pack = (await readPack(remote.out)).get(PACK_FILES.findings)!.toString('utf8').trim().split('\n');
    const stored = await store.runFindings(runId);
    expect(stored.map((f) => JSON.stringify(f))).toEqual(pack.map((l) => JSON.stringify(JSON.parse(l))));
  });
});

describe('failures', () => {
  it('a step that fails marks the run failed in the store and fails the execution', async () => {
    const input = `s3://${RAW}/venue=HKVX/date=example/`;
    const parameters = { ...DEFAULT_PARAMETERS, haircut_floor: '0.65' };
    await expect(
      executeLocally(
        { trigger: 'on-demand', input, out: `s3://${EVIDENCE}/failing/`, parameters },
        { config, s3: stack.s3, dynamo: stack.dynamo, signer, now: FIXED_NOW },
        {
          report: async () => {
            throw new Error('signing service unavailable');
          },
        },
      ),
    ).rejects.toThrow();
    const run = await store.latestRun(
      'HKVX',
      { period_start: '2026-02-12T00:00:00Z', period_end: '2026-02-13T00:00:00Z' },
      { status: 'failed' },
    );
    expect(run?.parameters).toMatchObject({ haircut_floor: '0.65' });
    expect(run?.error).toContain('signing service unavailable');
  });

  /** Executes the state machine on an input that must fail; returns the states its failure step recorded. */
  async function failedPlan(input: string): Promise<unknown[]> {
    const failures: unknown[] = [];
    await expect(
      executeLocally(
        { trigger: 'on-demand', input },
        { config, s3: stack.s3, dynamo: stack.dynamo, signer, now: FIXED_NOW },
        {
          recordFailure: async (state) => {
            failures.push(state);
            return state;
          },
        },
      ),
    ).rejects.toThrow();
    return failures;
  }

  it('a dataset without manifest.json fails in Plan, before any run exists', async () => {
    const empty = join(dir, 'no-manifest');
    await mkdir(join(empty, 'orders'), { recursive: true });
    await writeFile(join(empty, 'orders', 'o.jsonl'), '');
    const failures = await failedPlan(await upload(empty, 'venue=HKVX/date=no-manifest/'));
    expect(JSON.stringify(failures)).toContain('manifest.json');
    expect((failures[0] as { run?: unknown }).run).toBeUndefined();
  });

  it('a dataset of a contract this build does not read is refused by Plan (never audited in part)', async () => {
    const v3 = join(dir, 'contract-3');
    await mkdir(join(v3, 'margin'), { recursive: true });
    await writeFile(
      join(v3, 'manifest.json'),
      JSON.stringify({
        contract: 3,
        venue: 'HKVX',
        operator_entity_id: 'E-OP',
        period_start: '2026-02-12T00:00:00Z',
        period_end: '2026-02-13T00:00:00Z',
      }),
    );
    await writeFile(join(v3, 'margin', 'm.jsonl'), '');
    const failures = await failedPlan(await upload(v3, 'venue=HKVX/date=contract-3/'));
    expect(JSON.stringify(failures)).toContain('contract is not 1 or 2');
    expect((failures[0] as { run?: unknown }).run).toBeUndefined();
  });

  it('an unusable execution input is refused by Plan', async () => {
    const failures = await failedPlan('/local/folder');
    expect(JSON.stringify(failures)).toContain('s3:// dataset root');
  });
});
