/**
 * The bench's `store` task: how fast a run's findings reach the findings store on the embedded stack, as a run's
 * store stage writes them (startRun, recordFindings, completeRun, which brings them into the current view), on an
 * empty table in a data folder of its own. The findings are synthetic but shaped like a run's (CP-sized evidence,
 * several checks, severities, accounts). Besides the wall time it reports how busy this thread's event loop was
 * meanwhile: what the store costs the thread that replays.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Finding, Severity } from '../contract/finding.js';
import { findingId } from '../pipeline/ids.js';
import { openFindingsStore } from '../store/openStore.js';
import type { CheckCounts, RunStart } from '../store/types.js';

export interface StoreBenchResult {
  findings: number;
  startSeconds: number;
  recordSeconds: number;
  completeSeconds: number;
  wallSeconds: number;
  findingsPerSecond: number;
  /** Share of the wall time this thread's event loop was busy (serialising requests, reading answers). */
  mainThreadBusy: number;
  peakRssMb: number;
}

const CHECKS: [string, Severity][] = [
  ['CP-1', 'high'],
  ['CP-1', 'critical'],
  ['CP-2', 'critical'],
  ['DQ-3', 'high'],
  ['DQ-6', 'medium'],
  ['MMT-4', 'medium'],
];

const PERIOD = { venue: 'HKVX', period_start: '2026-02-12T00:00:00Z', period_end: '2026-02-13T00:00:00Z' };

export function syntheticFindings(runId: string, n: number): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const [check_id, severity] = CHECKS[i % CHECKS.length]!;
    const subject = `t-${i}`;
    const ts = `2026-02-12T${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000120Z`;
    out.push({
      finding_id: findingId(PERIOD, check_id, subject),
      run_id: runId,
      check_id,
      severity,
      subject,
      venue: PERIOD.venue,
      symbol: i % 2 === 0 ? 'BTC-USD' : 'ETH-USD',
      account_id: `MM-${i % 7}`,
      seq: 1000 + i,
      ts,
      title: `${check_id} finding`,
      detail: `Trade ${subject} (seq ${1000 + i}) filled affiliated MM order o-${i} while 3 protected order(s) rested at the same price.`,
      evidence: {
        trade: { trade_id: subject, seq: 1000 + i, ts, price: '97000.10', qty: '0.25', file: 'trades/part-0001.jsonl' },
        mm_order: { order_id: `o-${i}`, account_id: `MM-${i % 7}`, side: 'sell', price: '97000.1', priority: 900 + i },
        blocking_orders: Array.from({ length: 3 }, (_, k) => ({
          order_id: `o-c-${i}-${k}`,
          account_id: `C-${k}`,
          price: '97000.1',
          visible_qty: '0.5',
          priority: 800 + k,
        })),
        protected_visible_qty_at_price: '1.5',
      },
    });
  }
  return out;
}

function countsOf(findings: Finding[]): Record<string, CheckCounts> {
  const counts: Record<string, CheckCounts> = {};
  for (const f of findings) {
    const c = counts[f.check_id] ?? { examined: findings.length, not_tested: 0, findings: {} };
    counts[f.check_id] = c;
    c.findings[f.severity] = (c.findings[f.severity] ?? 0) + 1;
  }
  return counts;
}

/** Stores n findings of one run on a fresh embedded stack under a temporary folder of tmpDir. */
export async function measureStore(n: number, tmpDir: string): Promise<StoreBenchResult> {
  const dataDir = await mkdtemp(join(tmpDir, 'store-bench-'));
  const opened = await openFindingsStore({ env: { VATP_AUDIT_STACK: 'embedded' }, dataDir });
  try {
    const runId = 'r-store-bench';
    const findings = syntheticFindings(runId, n);
    const run: RunStart = {
      run_id: runId,
      ...PERIOD,
      operator_entity_id: 'E-OP',
      dataset_root: '/bench',
      inputs: [{ path: 'orders/part-0001.jsonl', sha256: 'a'.repeat(64), size: 1 }],
      parameters: {},
      rules_version: 'bench',
      tool_version: 'bench',
      started_at: '2026-02-13T01:00:00.000Z',
    };
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await opened.store.startRun(run);
    const t1 = performance.now();
    await opened.store.recordFindings(run, findings);
    const t2 = performance.now();
    await opened.store.completeRun(runId, countsOf(findings), { at: '2026-02-13T01:10:00.000Z' });
    const t3 = performance.now();
    const elu = performance.eventLoopUtilization(elu0);
    const wallSeconds = (t3 - t0) / 1000;
    return {
      findings: n,
      startSeconds: (t1 - t0) / 1000,
      recordSeconds: (t2 - t1) / 1000,
      completeSeconds: (t3 - t2) / 1000,
      wallSeconds,
      findingsPerSecond: n / wallSeconds,
      mainThreadBusy: elu.utilization,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await opened.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
