import { type AuditSink, type FindingDraft, maxSeverity } from '../contract/finding.js';
import { CollectorStateError } from './errors.js';

export interface Population {
  examined: number;
  notTested: Record<string, number>;
}

/** A collector's whole state as plain data (structured-clone-able), for a checkpoint. */
export interface CollectorState {
  findings: [string, FindingDraft][];
  population: [string, Population][];
}

/**
 * Collects findings and population counts. A check reports one finding per distinct subject: when the same
 * (check, subject) is reported again, the first report's content is kept and its severity is raised to the most
 * severe reported, so that a repeated subject can never hide a worse verdict.
 */
export class FindingCollector implements AuditSink {
  readonly #findings = new Map<string, FindingDraft>();
  readonly #population = new Map<string, Population>();

  report(finding: FindingDraft): void {
    const key = `${finding.check_id}\u0000${finding.subject}`;
    const existing = this.#findings.get(key);
    if (existing === undefined) {
      this.#findings.set(key, finding);
      this.#pop(finding.check_id);
    } else {
      existing.severity = maxSeverity(existing.severity, finding.severity);
    }
  }

  examined(checkId: string, n = 1): void {
    this.#pop(checkId).examined += n;
  }

  notTested(checkId: string, reason: string, n = 1): void {
    const p = this.#pop(checkId);
    p.notTested[reason] = (p.notTested[reason] ?? 0) + n;
  }

  #pop(checkId: string): Population {
    let p = this.#population.get(checkId);
    if (p === undefined) {
      p = { examined: 0, notTested: {} };
      this.#population.set(checkId, p);
    }
    return p;
  }

  population(checkId: string): Population {
    return this.#population.get(checkId) ?? { examined: 0, notTested: {} };
  }

  /** The whole state, for a run that stops and resumes elsewhere (a partition split by time). */
  saveState(): CollectorState {
    return { findings: [...this.#findings.entries()], population: [...this.#population.entries()] };
  }

  /** Loads a saved state into this collector, which must not have collected anything yet. */
  loadState(state: CollectorState): void {
    if (this.#findings.size > 0 || this.#population.size > 0) {
      throw new CollectorStateError('FindingCollector.loadState: the collector already holds findings or counts');
    }
    for (const [k, f] of state.findings) this.#findings.set(k, f);
    for (const [k, p] of state.population) this.#population.set(k, p);
  }

  /** Findings sorted by check_id, then subject (UTF-16 code unit order: byte order for ASCII ids), as findings.jsonl wants them. */
  findings(): FindingDraft[] {
    return [...this.#findings.values()].sort(compareFindings);
  }
}

export function compareFindings(
  a: { check_id: string; subject: string },
  b: { check_id: string; subject: string },
): number {
  if (a.check_id !== b.check_id) return a.check_id < b.check_id ? -1 : 1;
  if (a.subject === b.subject) return 0;
  return a.subject < b.subject ? -1 : 1;
}
