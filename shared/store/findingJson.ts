/**
 * The one JSON form of a finding: keys in the order of OUTPUT.md, absent optional values as null, evidence kept as
 * given (its key order included). findings.jsonl lines and `findings list --run --json` both use it, so the two can be
 * diffed byte for byte.
 */
import type { Finding } from '../contract/finding.js';

export const FINDING_KEYS = [
  'finding_id',
  'run_id',
  'check_id',
  'severity',
  'subject',
  'venue',
  'symbol',
  'account_id',
  'seq',
  'ts',
  'title',
  'detail',
  'evidence',
] as const satisfies readonly (keyof Finding)[];

type OptionalKey = 'symbol' | 'account_id' | 'seq' | 'ts';

/**
 * A plain Finding with exactly the OUTPUT.md keys, in order (extra fields such as status dropped; absent optional
 * fields as null, as a rule's draft may leave them out).
 */
export function canonicalFinding(f: Omit<Finding, OptionalKey> & Partial<Pick<Finding, OptionalKey>>): Finding {
  return {
    finding_id: f.finding_id,
    run_id: f.run_id,
    check_id: f.check_id,
    severity: f.severity,
    subject: f.subject,
    venue: f.venue,
    symbol: f.symbol ?? null,
    account_id: f.account_id ?? null,
    seq: f.seq ?? null,
    ts: f.ts ?? null,
    title: f.title,
    detail: f.detail,
    evidence: f.evidence,
  };
}

/** One findings.jsonl line, without the newline. */
export function findingJsonLine(f: Finding): string {
  return JSON.stringify(canonicalFinding(f));
}
