/**
 * One pass of a local dataset through the run's own stages (pipeline/openRun.ts and auditStreams.ts: opening with the
 * reference data, orders+trades through the OrderFlowAuditor with every rule, collateral, access), with the reader's
 * knobs exposed (fast or plain parsing, order pre-scan off, on or folded into the hashing read, sort memory) and the
 * replay timed apart from the reading. The bench uses it to split a run into stages; the exactness tests use it to
 * show that every combination of knobs yields the same findings, populations and quarantine.
 */
import { CHECKS } from '../checks/catalogue.js';
import { DEFAULT_PARAMETERS } from '../config/parameters.js';
import { TOOL_VERSION } from '../config/version.js';
import type { FindingDraft } from '../contract/finding.js';
import { FindingCollector } from '../findings/collector.js';
import type { QuarantineEntry, ReadHooks } from '../ingest/readRecords.js';
import { auditStreams, STREAM_STAGES } from '../pipeline/auditStreams.js';
import { RunFailedError } from '../pipeline/errors.js';
import { openRun } from '../pipeline/openRun.js';
import { QuarantineLog } from '../pipeline/quarantineLog.js';

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
    /** The run's opening: listing, manifest, the hashing read of every file (with the pre-scan for 'hash'), reference. */
    hash: number;
  };
}

export async function auditPass(root: string, opts: AuditPassOptions): Promise<AuditPassResult> {
  const tOpen = performance.now();
  // The opening of the run; with prescan 'hash', the pre-scan folded into the hashing read as the run does it.
  const run = await openRun(
    { input: root, parameters: DEFAULT_PARAMETERS, toolVersion: TOOL_VERSION },
    {
      s3: () => {
        throw new RunFailedError('the bench reads local datasets only');
      },
      now: () => new Date(0),
    },
    { scanOrder: opts.prescan === 'hash' },
  );
  const hashSeconds = (performance.now() - tOpen) / 1000;
  const collector = new FindingCollector();
  const quarantine = new QuarantineLog();
  for (const q of run.quarantine) quarantine.add(q);
  const records = { orderFlow: 0, collateral: 0, access: 0 };
  let current: keyof typeof records = 'orderFlow';
  const hooks: ReadHooks = {
    quarantine: (q: QuarantineEntry) => quarantine.add(q),
    stats: (st) => {
      records[current] += st.records;
    },
  };

  const seconds = { orderFlow: 0, replay: 0, collateral: 0, access: 0 };
  const stageKey: Record<string, keyof typeof records> = {
    [STREAM_STAGES['orders+trades']]: 'orderFlow',
    [STREAM_STAGES.collateral]: 'collateral',
    [STREAM_STAGES.access]: 'access',
  };
  let since = performance.now();
  const closeStage = () => {
    const now = performance.now();
    seconds[current] += (now - since) / 1000;
    since = now;
  };
  let replayed = 0;
  await auditStreams(
    run,
    collector,
    hooks,
    {
      tmpDir: opts.tmpDir,
      maxInMemory: opts.maxInMemory,
      prescan: opts.prescan !== false,
      parse: opts.parse,
      inOrder: opts.prescan === 'hash' ? run.inOrder : undefined,
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
