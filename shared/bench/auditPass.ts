/**
 * One pass of the event streams of a local dataset through the run's own composition (auditEventStreams of
 * pipeline/auditDataset.ts: reference data, orders+trades through the OrderFlowAuditor with every rule, collateral,
 * access), with the reader's knobs exposed (fast or plain parsing, order pre-scan off, on or folded into the hashing
 * read, sort memory) and the replay timed apart from the reading. The bench uses it to split a run into stages; the exactness tests use it to show that every combination of
 * knobs yields the same findings, populations and quarantine.
 */
import { CHECKS } from '../checks/catalogue.js';
import type { RuleContext } from '../checks/rule.js';
import { DEFAULT_PARAMETERS } from '../config/parameters.js';
import type { FindingDraft } from '../contract/finding.js';
import { FindingCollector } from '../findings/collector.js';
import { classifyLayout, eventFiles } from '../ingest/layout.js';
import { readDatasetManifest } from '../ingest/manifest.js';
import type { QuarantineEntry, ReadHooks } from '../ingest/readRecords.js';
import { LocalDatasetSource } from '../ingest/source.js';
import { AUDITED_CONTRACTS, auditEventStreams } from '../pipeline/auditDataset.js';
import { hashAndScanInputs } from '../pipeline/inputs.js';
import { QuarantineLog } from '../pipeline/quarantineLog.js';
import { loadReferenceData } from '../reference/loadReference.js';

export interface AuditPassOptions {
  parse: 'fast' | 'plain';
  /** Order pre-scan: off, a read of its own per file (true), or folded into the hashing read ('hash', as the run). */
  prescan: boolean | 'hash';
  tmpDir: string;
  maxInMemory?: number;
  /** Read, parse and order in a worker thread (OrderedStreamOptions.worker), as the CLI's run does. */
  worker?: boolean;
  /** With `worker`: workers that read and sort a stream out of seq order (OrderedStreamOptions.workers). */
  workers?: number;
}

export interface AuditPassResult {
  findings: FindingDraft[];
  /** Population per check id, as the summary reports it. */
  populations: Record<string, unknown>;
  quarantine: QuarantineEntry[];
  /** Records read (accepted + quarantined) per stream. */
  records: { orderFlow: number; collateral: number; access: number };
  /** Items the order-flow replay processed (accepted orders and trades). */
  replayed: number;
  seconds: {
    /** orders+trades: reading, parsing, ordering and replaying, wall clock (the hashing read not included). */
    orderFlow: number;
    /** The part of orderFlow spent in OrderFlowAuditor.process and the sequence tracker. */
    replay: number;
    collateral: number;
    access: number;
    /** The hashing read of every file with the pre-scan folded in (prescan 'hash'; else 0). */
    hash: number;
  };
}

export async function auditPass(root: string, opts: AuditPassOptions): Promise<AuditPassResult> {
  const source = new LocalDatasetSource(root);
  const listed = await source.list();
  const manifest = await readDatasetManifest(source, AUDITED_CONTRACTS);
  const layout = classifyLayout(listed, manifest.contract);
  const collector = new FindingCollector();
  const quarantine = new QuarantineLog();
  const onQuarantine = (q: QuarantineEntry) => quarantine.add(q);
  const records = { orderFlow: 0, collateral: 0, access: 0 };
  let current: keyof typeof records = 'orderFlow';
  // The pre-scan folded into the hashing read, as the run does it (inputs.ts): verdicts for the merge.
  const tHash = performance.now();
  const inOrder =
    opts.prescan === 'hash' ? (await hashAndScanInputs(source, listed, eventFiles(layout))).inOrder : undefined;
  const hashSeconds = (performance.now() - tHash) / 1000;
  const ref = await loadReferenceData(source, layout, manifest, onQuarantine, () => undefined);
  const ctx: RuleContext = { ref, params: DEFAULT_PARAMETERS, sink: collector };
  const hooks: ReadHooks = {
    quarantine: onQuarantine,
    stats: (st) => {
      records[current] += st.records;
    },
  };

  const seconds = { orderFlow: 0, replay: 0, collateral: 0, access: 0 };
  const stageKey: Record<string, keyof typeof records> = {
    'orders and trades': 'orderFlow',
    collateral: 'collateral',
    'access log': 'access',
  };
  let since = performance.now();
  const closeStage = () => {
    const now = performance.now();
    seconds[current] += (now - since) / 1000;
    since = now;
  };
  let replayed = 0;
  await auditEventStreams(
    source,
    layout,
    ctx,
    collector,
    hooks,
    {
      tmpDir: opts.tmpDir,
      maxInMemory: opts.maxInMemory,
      prescan: opts.prescan !== false,
      parse: opts.parse,
      inOrder,
      worker: opts.worker,
      workers: opts.workers,
      // Small test datasets too: the point is to exercise the worker path.
      workerMinBytes: 0,
    },
    {
      stage(name) {
        closeStage();
        current = stageKey[name] ?? current;
      },
      replayed(items, ms) {
        replayed += items;
        seconds.replay += ms / 1000;
      },
    },
  );
  closeStage();

  const populations: Record<string, unknown> = {};
  for (const { id } of CHECKS) populations[id] = collector.population(id);
  return {
    findings: collector.findings(),
    populations,
    quarantine: quarantine.sorted(),
    records,
    replayed,
    seconds: { ...seconds, hash: hashSeconds },
  };
}
