/**
 * What the workbench tests share: an embedded stack in a temp folder, a store and signer on it, datasets made with the
 * project's generator and audited by the real pipeline (packs written to local folders), the workbench started as
 * `serve` starts it, and a headless Chromium found on PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { type RunningWorkbench, type ServeOptions, startWorkbench } from '#shared/cli/serveCommand.js';
import type { CliServices } from '#shared/cli/services.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { LocalFileSigner } from '#shared/evidence/signer.js';
import { generateDataset } from '#shared/generator/index.js';
import { type EmbeddedStack, startEmbeddedStack } from '#shared/local/embeddedStack.js';
import { runAudit } from '#shared/pipeline/runAudit.js';
import { s3EvidenceBlobStore } from '#shared/store/evidenceBlobs.js';
import { FindingsStore } from '#shared/store/findingsStore.js';

export const EVIDENCE_BUCKET = 'workbench-evidence';

export interface WebHarness {
  dir: string;
  stack: EmbeddedStack;
  store: FindingsStore;
  signer: LocalFileSigner;
  services: CliServices;
  packsDir: string;
  close(): Promise<void>;
}

export async function openWebHarness(): Promise<WebHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'vatp-web-'));
  const stack = await startEmbeddedStack({ dataDir: join(dir, 'stack'), buckets: [EVIDENCE_BUCKET] });
  const store = new FindingsStore({
    dynamo: stack.dynamo,
    tableName: 'workbench-findings',
    blobs: s3EvidenceBlobStore({ s3: stack.s3, bucket: EVIDENCE_BUCKET }),
  });
  await store.ensureTables();
  const signer = new LocalFileSigner({ keyFile: join(dir, 'signing-key.pem') });
  const services = {
    clients: {
      s3: stack.s3,
      dynamo: stack.dynamo,
      config: { mode: 'embedded', findingsTable: 'workbench-findings', evidenceBucket: EVIDENCE_BUCKET },
      close: async () => undefined,
    },
    store: async () => store,
    signer: () => signer,
    openSink: (uri: string) => openOutputSink(uri, { s3: stack.s3, createBucket: true }),
    openPackReader: async () => {
      throw new Error('not used by the workbench');
    },
    openInputDigests: async () => {
      throw new Error('not used by the workbench');
    },
    close: async () => undefined,
  } as unknown as CliServices;
  const packsDir = join(dir, 'packs');
  await mkdir(packsDir, { recursive: true });
  return {
    dir,
    stack,
    store,
    signer,
    services,
    packsDir,
    close: async () => {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Generates a dataset (optionally rewritten) and audits it like `vatp-audit run`, the pack under packsDir. */
export async function auditGenerated(
  h: WebHarness,
  name: string,
  opts: { seed: number; orders: number; violationRate?: number; rewrite?: (text: string, file: string) => string },
  now: () => Date = () => new Date(),
): Promise<{ runId: string; packDir: string; datasetDir: string }> {
  const datasetDir = join(h.dir, 'datasets', name);
  await generateDataset({
    out: datasetDir,
    seed: opts.seed,
    orders: opts.orders,
    ...(opts.violationRate !== undefined ? { violationRate: opts.violationRate } : {}),
  });
  if (opts.rewrite !== undefined) await rewriteFiles(datasetDir, opts.rewrite);
  const packDir = join(h.packsDir, name);
  const tmp = await mkdtemp(join(h.dir, 'sort-'));
  const result = await runAudit(
    { input: datasetDir, parameters: DEFAULT_PARAMETERS, toolVersion: '0.1.0', tmpDir: tmp },
    { s3: () => h.stack.s3, out: openOutputSink(packDir), signer: h.signer, store: h.store, now },
  );
  await rm(tmp, { recursive: true, force: true });
  return { runId: result.summary.run_id, packDir, datasetDir };
}

async function rewriteFiles(dir: string, rewrite: (text: string, file: string) => string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (!/\.(jsonl|json)$/.test(entry.name) || entry.name === 'ground-truth.jsonl') continue;
    await writeFile(path, rewrite(await readFile(path, 'utf8'), entry.name));
  }
}

export async function serveWorkbench(
  h: WebHarness,
  o: Partial<ServeOptions> & { identity: ServeOptions['identity'] },
): Promise<RunningWorkbench> {
  return startWorkbench(h.services, {
    host: '127.0.0.1',
    port: 0,
    packs: [h.packsDir],
    reports: join(h.dir, 'period-reports'),
    ...o,
  });
}

/** Where Debian's chromium package puts the browser (.ci/run installs it when it is missing). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's chromium, else a chromium on PATH; headless; launch() gives it a fresh temporary profile. There is no skip:
 * without a browser the browser tests fail, saying how to install one.
 */
export async function launchChromium(): Promise<Browser> {
  let executablePath = DEBIAN_CHROMIUM;
  if (!existsSync(executablePath)) {
    try {
      executablePath = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    } catch {
      executablePath = '';
    }
  }
  if (executablePath === '') {
    throw new Error(
      `no chromium at ${DEBIAN_CHROMIUM} or on PATH: the browser tests need Debian's chromium package (apt-get install -y chromium; .ci/run installs it)`,
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Where the tests write a screenshot of each page (gitignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-output', 'screenshots');
