/**
 * The findings a correct implementation of RULES.md must report on a generated dataset: one entry per (check,
 * subject), recorded by each injection when it is actually written, plus the sequence gaps derived at the end from
 * every seq that was skipped or whose record was made malformed (DQ-1 sets the record aside, seq included).
 */
import type { Severity } from '../contract/finding.js';
import { GeneratorError } from './errors.js';

/** The sequences whose seqs must be unique and gap-free (DQ-2, DQ-4): contract 1's two, and contract 2's streams. */
export type SequenceName = 'orders+trades' | 'collateral' | 'margin' | 'settlements';
export type SequenceBounds = Partial<Record<SequenceName, { min: number; max: number }>>;

export interface GroundTruthEntry {
  check_id: string;
  subject: string;
  severity: Severity;
}

export class GroundTruth {
  private readonly entries = new Map<string, GroundTruthEntry>();
  /** Seqs absent from a sequence (skipped, or carried by a malformed record), per sequence name. */
  private readonly missing = new Map<SequenceName, number[]>();

  add(check_id: string, subject: string, severity: Severity): void {
    const key = `${check_id}\u0000${subject}`;
    const prev = this.entries.get(key);
    if (prev !== undefined && prev.severity !== severity) {
      throw new GeneratorError(`ground truth: ${check_id} ${subject} injected twice with different severities`);
    }
    this.entries.set(key, { check_id, subject, severity });
  }

  has(check_id: string, subject: string): boolean {
    return this.entries.has(`${check_id}\u0000${subject}`);
  }

  missingSeq(sequence: SequenceName, seq: number): void {
    let seqs = this.missing.get(sequence);
    if (seqs === undefined) {
      seqs = [];
      this.missing.set(sequence, seqs);
    }
    seqs.push(seq);
  }

  /**
   * DQ-4: merges missing seqs into inclusive ranges; a range counts only between the lowest and highest seq present.
   */
  finishGaps(bounds: SequenceBounds): void {
    for (const [name, seqs] of this.missing) {
      const b = bounds[name];
      if (b === undefined) continue;
      const sorted = [...new Set(seqs)].filter((s) => s > b.min && s < b.max).sort((x, y) => x - y);
      let i = 0;
      while (i < sorted.length) {
        const from = sorted[i] as number;
        let to = from;
        while (i + 1 < sorted.length && sorted[i + 1] === to + 1) {
          i++;
          to++;
        }
        this.add('DQ-4', `${name}:${from}-${to}`, 'high');
        i++;
      }
    }
  }

  /** Sorted by check_id, then subject (code-unit order, as findings.jsonl). */
  sorted(): GroundTruthEntry[] {
    return [...this.entries.values()].sort((a, b) =>
      a.check_id !== b.check_id
        ? a.check_id < b.check_id
          ? -1
          : 1
        : a.subject < b.subject
          ? -1
          : a.subject > b.subject
            ? 1
            : 0,
    );
  }

  countsByCheck(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.sorted()) out[e.check_id] = (out[e.check_id] ?? 0) + 1;
    return out;
  }
}
