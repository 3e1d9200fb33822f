/**
 * One pass of the event streams of a local dataset through the same composition as pipeline/auditDataset.ts
 * (reference data, orders+trades through the OrderFlowAuditor with every rule, collateral, access), with the reader's
 * knobs exposed (fast or plain parsing, order pre-scan on or off, sort memory) and the replay timed apart from the
 * reading. The bench uses it to split a run into stages; the exactness tests use it to show that every combination of
 * knobs yields the same findings, populations and quarantine.
 */
import { CHECKS } from '../checks/catalogue.js';
import { UnknownReferencesRule } from '../checks/dq/unknownReferences.js';
import { functionalSeparationRules } from '../checks/fs/index.js';
import { perpetualRules } from '../checks/perp/index.js';
import type { Rule, RuleContext } from '../checks/rule.js';
import { runRuleHook } from '../checks/runner.js';
import { CollateralAuditor } from '../collateral/auditor.js';
import { DEFAULT_PARAMETERS } from '../config/parameters.js';
import { FindingCollector } from '../findings/collector.js';
import type { FindingDraft } from '../findings/finding.js';
import { classifyLayout } from '../ingest/layout.js';
import { readDatasetManifest } from '../ingest/manifest.js';
import type { QuarantineEntry, ReadHooks } from '../ingest/readRecords.js';
import { LocalDatasetSource } from '../ingest/source.js';
import { OrderFlowAuditor } from '../orderflow/auditor.js';
import { type OrderedStreamName, readOrderedBatches } from '../ordering/readOrderedStream.js';
import { SequenceTracker } from '../ordering/sequenceTracker.js';
import { QuarantineLog } from '../pipeline/quarantineLog.js';
import { loadReferenceData } from '../reference/loadReference.js';

export interface AuditPassOptions {
  parse: 'fast' | 'plain';
  prescan: boolean;
  tmpDir: string;
  maxInMemory?: number;
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
    /** orders+trades: reading, parsing, ordering and replaying, wall clock. */
    orderFlow: number;
    /** The part of orderFlow spent in OrderFlowAuditor.process and the sequence tracker. */
    replay: number;
    collateral: number;
    access: number;
  };
}

export async function auditPass(root: string, opts: AuditPassOptions): Promise<AuditPassResult> {
  const source = new LocalDatasetSource(root);
  const layout = classifyLayout(await source.list());
  const manifest = await readDatasetManifest(source);
  const collector = new FindingCollector();
  const quarantine = new QuarantineLog();
  const onQuarantine = (q: QuarantineEntry) => quarantine.add(q);
  const records = { orderFlow: 0, collateral: 0, access: 0 };
  let current: keyof typeof records = 'orderFlow';
  const ref = await loadReferenceData(source, layout, manifest, onQuarantine, () => undefined);
  const ctx: RuleContext = { ref, params: DEFAULT_PARAMETERS, sink: collector };
  const extraRules: Rule[] = [...functionalSeparationRules(), ...perpetualRules(), new UnknownReferencesRule()];
  const hooks: ReadHooks = {
    quarantine: onQuarantine,
    stats: (st) => {
      records[current] += st.records;
    },
  };
  const read = <S extends OrderedStreamName>(stream: S) =>
    readOrderedBatches(source, layout, stream, hooks, {
      tmpDir: opts.tmpDir,
      maxInMemory: opts.maxInMemory,
      prescan: opts.prescan,
      parse: opts.parse,
    });

  let t0 = performance.now();
  let replay = 0;
  let replayed = 0;
  const orderFlow = new OrderFlowAuditor(ctx, extraRules, (q) => onQuarantine({ ...q, scope: 'record' }));
  const orderSeq = new SequenceTracker('orders+trades', collector);
  for await (const batch of read('orders+trades')) {
    const t = performance.now();
    for (const item of batch) if (orderFlow.process(item)) orderSeq.observe(item.rec.seq, item);
    replay += performance.now() - t;
    replayed += batch.length;
  }
  orderSeq.finish();
  const orderFlowSeconds = (performance.now() - t0) / 1000;

  current = 'collateral';
  t0 = performance.now();
  const collateral = new CollateralAuditor(ctx);
  const collateralSeq = new SequenceTracker('collateral', collector);
  const collateralHooks = extraRules.filter((r) => r.onCollateral !== undefined);
  for await (const batch of read('collateral')) {
    for (const item of batch) {
      collateral.process(item);
      for (const rule of collateralHooks) {
        runRuleHook(rule, ctx, { hook: 'onCollateral', file: item.file, line: item.line }, () =>
          rule.onCollateral!(item, ctx),
        );
      }
      collateralSeq.observe(item.rec.seq, item);
    }
  }
  collateralSeq.finish();
  collateral.finish();
  const collateralSeconds = (performance.now() - t0) / 1000;

  current = 'access';
  t0 = performance.now();
  const accessHooks = extraRules.filter((r) => r.onAccess !== undefined);
  for await (const batch of read('access')) {
    for (const item of batch) {
      for (const rule of accessHooks) {
        runRuleHook(rule, ctx, { hook: 'onAccess', file: item.file, line: item.line }, () => rule.onAccess!(item, ctx));
      }
    }
  }
  orderFlow.finish();
  const accessSeconds = (performance.now() - t0) / 1000;

  const populations: Record<string, unknown> = {};
  for (const { id } of CHECKS) populations[id] = collector.population(id);
  return {
    findings: collector.findings(),
    populations,
    quarantine: quarantine.sorted(),
    records,
    replayed,
    seconds: {
      orderFlow: orderFlowSeconds,
      replay: replay / 1000,
      collateral: collateralSeconds,
      access: accessSeconds,
    },
  };
}
