/**
 * The rows of a run's findings, kept in memory per completed run (its occurrences never change once it completed),
 * with the statuses read again on every request (they change whenever someone answers). A run that is still running
 * is read afresh each time. A few runs are kept, the least recently used dropped first.
 */
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunRecord } from '../store/types.js';
import { type SortableRow, type StatusedRow, sortableRows, withStatuses } from './findingsTable.js';

export type RowsStore = Pick<FindingsStore, 'runFindingRows' | 'answeredStatuses'>;

export class RunRowsCache {
  readonly #entries = new Map<string, { stamp: string; rows: Promise<SortableRow[]> }>();

  constructor(
    private readonly store: RowsStore,
    private readonly maxRuns = 4,
  ) {}

  /** The run's rows with their current statuses. */
  async rows(run: RunRecord): Promise<StatusedRow[]> {
    const [rows, answered] = await Promise.all([
      this.#rows(run),
      this.store.answeredStatuses(run.venue, { period_start: run.period_start, period_end: run.period_end }),
    ]);
    return withStatuses(rows, answered);
  }

  /** Starts loading a completed run's rows (a run page does this, so its findings page opens at once). */
  warm(run: RunRecord): void {
    if (run.status === 'completed') this.#rows(run).catch(() => undefined);
  }

  #rows(run: RunRecord): Promise<SortableRow[]> {
    if (run.status !== 'completed') return this.store.runFindingRows(run.run_id).then(sortableRows);
    const stamp = `${run.completed_at ?? ''}#${run.attempts}`;
    const hit = this.#entries.get(run.run_id);
    if (hit !== undefined && hit.stamp === stamp) {
      this.#entries.delete(run.run_id);
      this.#entries.set(run.run_id, hit);
      return hit.rows;
    }
    const rows = this.store.runFindingRows(run.run_id).then(sortableRows);
    this.#entries.set(run.run_id, { stamp, rows });
    rows.catch(() => this.#entries.delete(run.run_id));
    while (this.#entries.size > this.maxRuns) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return rows;
  }
}
