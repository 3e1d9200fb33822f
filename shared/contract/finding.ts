/** The finding model of OUTPUT.md. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** What a check reports; the pipeline adds finding_id, run_id and venue. */
export interface FindingDraft {
  check_id: string;
  severity: Severity;
  subject: string;
  symbol?: string | null;
  account_id?: string | null;
  seq?: number | null;
  ts?: string | null;
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
}

export interface Finding {
  finding_id: string;
  run_id: string;
  check_id: string;
  severity: Severity;
  subject: string;
  venue: string;
  symbol: string | null;
  account_id: string | null;
  seq: number | null;
  ts: string | null;
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
}

/**
 * Where checks report to. One finding per distinct (check, subject); population counts say how many things a check
 * examined and how many it could not examine, and why.
 */
export interface AuditSink {
  report(finding: FindingDraft): void;
  examined(checkId: string, n?: number): void;
  notTested(checkId: string, reason: string, n?: number): void;
}
