/** summary.json (OUTPUT.md): the run's inputs, parameters, and per check its population and findings by severity. */

import { checksOf, rulesVersionOf } from '../checks/catalogue.js';
import type { AuditParameters } from '../config/parameters.js';
import { type FindingDraft, SEVERITIES, type Severity } from '../contract/finding.js';
import type { DatasetManifest } from '../contract/records.js';
import type { Population } from '../findings/collector.js';

export interface InputFileSummary {
  path: string;
  record_type: string | null;
  format: string | null;
  bytes: number;
  sha256: string;
  records: number;
  accepted: number;
  quarantined: number;
  fault: string | null;
  /** Why a file outside the record folders was not read as records. */
  note?: string;
}

import { type CheckStatus, checkStatus } from '../findings/checkStatus.js';

export type { CheckStatus };

export interface CheckSummary {
  check_id: string;
  family: string;
  title: string;
  compliant: string;
  population: string;
  examined: number;
  not_tested: number;
  not_tested_reasons: Record<string, number>;
  findings: Record<Severity, number> & { total: number };
  status: CheckStatus;
}

export interface RunSummary {
  tool: { name: string; version: string };
  rules_version: string;
  data_contract: number;
  run_id: string;
  venue: string;
  period_start: string;
  period_end: string;
  operator_entity_id: string;
  parameters: AuditParameters;
  access_log_present: boolean;
  files: InputFileSummary[];
  reconciliation: { records: number; accepted: number; quarantined: number; balanced: boolean };
  checks: CheckSummary[];
  findings_total: number;
  findings_by_severity: Record<Severity, number>;
}

export interface SummaryInput {
  toolVersion: string;
  runId: string;
  manifest: DatasetManifest;
  parameters: AuditParameters;
  accessLogPresent: boolean;
  files: InputFileSummary[];
  findings: readonly FindingDraft[];
  population: (checkId: string) => Population;
}

function emptyCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0 };
}

export function buildRunSummary(s: SummaryInput): RunSummary {
  const byCheck = new Map<string, Record<Severity, number>>();
  const total = emptyCounts();
  for (const f of s.findings) {
    let c = byCheck.get(f.check_id);
    if (c === undefined) {
      c = emptyCounts();
      byCheck.set(f.check_id, c);
    }
    c[f.severity]++;
    total[f.severity]++;
  }
  const checks: CheckSummary[] = checksOf(s.manifest.contract).map((meta) => {
    const pop = s.population(meta.id);
    const counts = byCheck.get(meta.id) ?? emptyCounts();
    const findingsTotal = SEVERITIES.reduce((n, sev) => n + counts[sev], 0);
    const notTested = Object.values(pop.notTested).reduce((n, v) => n + v, 0);
    const status = checkStatus({ findings: findingsTotal, examined: pop.examined, notTested });
    return {
      check_id: meta.id,
      family: meta.family,
      title: meta.title,
      compliant: meta.compliant,
      population: meta.population,
      examined: pop.examined,
      not_tested: notTested,
      not_tested_reasons: Object.fromEntries(Object.entries(pop.notTested).sort(([a], [b]) => (a < b ? -1 : 1))),
      findings: { ...counts, total: findingsTotal },
      status,
    };
  });
  const records = s.files.reduce((n, f) => n + f.records, 0);
  const accepted = s.files.reduce((n, f) => n + f.accepted, 0);
  const quarantined = s.files.reduce((n, f) => n + f.quarantined, 0);
  return {
    tool: { name: 'vatp-audit', version: s.toolVersion },
    rules_version: rulesVersionOf(s.manifest.contract),
    data_contract: s.manifest.contract,
    run_id: s.runId,
    venue: s.manifest.venue,
    period_start: s.manifest.period_start,
    period_end: s.manifest.period_end,
    operator_entity_id: s.manifest.operator_entity_id,
    parameters: s.parameters,
    access_log_present: s.accessLogPresent,
    files: s.files,
    reconciliation: { records, accepted, quarantined, balanced: records === accepted + quarantined },
    checks,
    findings_total: s.findings.length,
    findings_by_severity: total,
  };
}
