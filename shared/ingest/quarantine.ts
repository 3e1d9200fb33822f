/**
 * DQ-1 findings from quarantine entries. DQ-1 (medium): a record fails the data contract, or a file cannot be read
 * past a line. Subject `path:line` with the path relative to the dataset root. Why: bad data never stops a run and
 * is never dropped silently; each record set aside is disclosed with its file, line and reason.
 */
import type { AuditSink, FindingDraft } from '../contract/finding.js';
import type { FileStats, QuarantineEntry } from './readRecords.js';

/** Evidence keeps at most this much of the raw text (quarantine.jsonl keeps more). */
const EVIDENCE_RAW = 2000;

export function quarantineToFinding(q: QuarantineEntry): FindingDraft {
  const where = `${q.file}:${q.line}`;
  const raw = q.raw.length > EVIDENCE_RAW ? `${q.raw.slice(0, EVIDENCE_RAW)} …(truncated)` : q.raw;
  const fileLevel = q.scope === 'file';
  return {
    check_id: 'DQ-1',
    severity: 'medium',
    subject: where,
    seq: null,
    ts: null,
    title: fileLevel
      ? `File ${q.file} could not be read from line ${q.line}`
      : `Record at ${where} was set aside: it fails the data contract`,
    detail: fileLevel
      ? `The ${q.record_type} file ${q.file} could not be read at line ${q.line}: ${q.reason}. Records from there on are not part of the audit.`
      : `The ${q.record_type} record at ${where} was set aside and is not part of the audit: ${q.reason}.`,
    evidence: { file: q.file, line: q.line, record_type: q.record_type, scope: q.scope, reason: q.reason, raw },
  };
}

/** DQ-1 population: the records read from one file (quarantined or accepted). */
export function reportFilePopulation(stats: FileStats, sink: AuditSink): void {
  sink.examined('DQ-1', stats.records);
}
