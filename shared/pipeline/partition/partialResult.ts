/**
 * What one step found, in a form that survives JSON: its findings (as its collector kept them: one per check and
 * subject, severity raised to the worst reported) and the population counts of every check it touched, plus its
 * quarantined records and the read statistics of the files it read. Merging partial results into one
 * FindingCollector gives the collector the single-process run would have built: populations add up, and no subject is
 * reported by two steps (partitions hold whole orders, trades and linked symbols; other checks run in one step only).
 */

import type { AuditSink, FindingDraft } from '../../contract/finding.js';
import { type CollectorState, FindingCollector, type Population } from '../../findings/collector.js';
import type { FileStats, QuarantineEntry } from '../../ingest/readRecords.js';

export interface PartialResult {
  findings: FindingDraft[];
  populations: Record<string, Population>;
  quarantine: QuarantineEntry[];
  fileStats: FileStats[];
}

/** A FindingCollector that remembers which checks it heard of, so its populations can be exported. */
export class TrackingCollector implements AuditSink {
  readonly collector = new FindingCollector();
  readonly #checks = new Set<string>();

  report(finding: FindingDraft): void {
    this.#checks.add(finding.check_id);
    this.collector.report(finding);
  }

  examined(checkId: string, n = 1): void {
    this.#checks.add(checkId);
    this.collector.examined(checkId, n);
  }

  notTested(checkId: string, reason: string, n = 1): void {
    this.#checks.add(checkId);
    this.collector.notTested(checkId, reason, n);
  }

  saveState(): { collector: CollectorState; checks: string[] } {
    return { collector: this.collector.saveState(), checks: [...this.#checks] };
  }

  loadState(state: { collector: CollectorState; checks: string[] }): void {
    this.collector.loadState(state.collector);
    for (const c of state.checks) this.#checks.add(c);
  }

  export(): Pick<PartialResult, 'findings' | 'populations'> {
    const populations: Record<string, Population> = {};
    for (const id of [...this.#checks].sort()) populations[id] = this.collector.population(id);
    return { findings: this.collector.findings(), populations };
  }
}

/** Adds a partial result's findings and counts to a sink (a collector). */
export function mergeInto(sink: AuditSink, part: Pick<PartialResult, 'findings' | 'populations'>): void {
  for (const f of part.findings) sink.report(f);
  for (const [id, p] of Object.entries(part.populations)) {
    if (p.examined > 0) sink.examined(id, p.examined);
    for (const [reason, n] of Object.entries(p.notTested)) sink.notTested(id, reason, n);
  }
}
