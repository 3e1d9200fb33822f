/**
 * The end of a run, shared by the CLI and the Lambdas: quarantine becomes DQ-1 findings, findings get their
 * deterministic ids, and the evidence pack (findings.jsonl, summary.json, quarantine.jsonl, report.pdf, the signing
 * key's public half, manifest.json, manifest.sig) is written; then the findings store is updated.
 */
import type { OutputSink } from '../adapters/s3/outputSink.js';
import { rulesVersionOf } from '../checks/catalogue.js';
import type { AuditParameters } from '../config/parameters.js';
import type { Finding } from '../contract/finding.js';
import type { DatasetManifest } from '../contract/records.js';
import { buildEvidenceManifest, inputDigest } from '../evidence/manifest.js';
import { keyFingerprint, type Signer } from '../evidence/signer.js';
import type { FindingCollector } from '../findings/collector.js';
import { quarantineToFinding } from '../ingest/quarantine.js';
import { buildReportModel } from '../report/model.js';
import { renderReportPdf } from '../report/renderPdf.js';
import { canonicalFinding, findingJsonLine } from '../store/findingJson.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { CheckCounts, RunStart } from '../store/types.js';
import { findingId } from './ids.js';
import type { InputHash } from './inputs.js';
import type { RunProgress } from './progress.js';
import type { QuarantineLog } from './quarantineLog.js';
import { buildRunSummary, type InputFileSummary, type RunSummary } from './summary.js';

export interface FinalizeInput {
  runId: string;
  toolVersion: string;
  manifest: DatasetManifest;
  parameters: AuditParameters;
  accessLogPresent: boolean;
  collector: FindingCollector;
  quarantine: QuarantineLog;
  files: InputFileSummary[];
  inputHashes: readonly InputHash[];
  runRecord: RunStart;
}

export interface FinalizeDeps {
  out: OutputSink;
  signer: Signer;
  store?: FindingsStore;
  now: () => Date;
  progress?: RunProgress;
}

export interface FinalizedRun {
  runId: string;
  summary: RunSummary;
  findings: Finding[];
  out: string;
  keyFingerprint: string;
}

/** The pack's file names (OUTPUT.md), plus the public key a reviewer verifies the signature with. */
export const PACK_FILES = {
  findings: 'findings.jsonl',
  summary: 'summary.json',
  quarantine: 'quarantine.jsonl',
  report: 'report.pdf',
  publicKey: 'public-key.pem',
  manifest: 'manifest.json',
  signature: 'manifest.sig',
} as const;

export async function finalizeRun(input: FinalizeInput, deps: FinalizeDeps): Promise<FinalizedRun> {
  const { collector, manifest } = input;
  const quarantined = input.quarantine.sorted();
  const recordsRead = input.files.reduce((n, f) => n + f.records, 0);
  collector.examined('DQ-1', recordsRead);
  for (const q of quarantined) collector.report(quarantineToFinding(q));

  const drafts = collector.findings();
  const findings: Finding[] = drafts.map((d) =>
    canonicalFinding({
      ...d,
      finding_id: findingId(manifest, d.check_id, d.subject),
      run_id: input.runId,
      venue: manifest.venue,
    }),
  );

  const summary = buildRunSummary({
    toolVersion: input.toolVersion,
    runId: input.runId,
    manifest,
    parameters: input.parameters,
    accessLogPresent: input.accessLogPresent,
    files: input.files,
    findings: drafts,
    population: (id) => collector.population(id),
  });

  deps.progress?.stage('evidence pack', 0);
  const publicKeyPem = await deps.signer.publicKeyPem();
  const fingerprint = keyFingerprint(publicKeyPem);
  const files = new Map<string, Buffer>();
  files.set(PACK_FILES.findings, Buffer.from(findings.map((f) => `${findingJsonLine(f)}\n`).join('')));
  files.set(PACK_FILES.summary, Buffer.from(`${JSON.stringify(summary, null, 2)}\n`));
  files.set(PACK_FILES.quarantine, Buffer.from(quarantined.map((q) => `${JSON.stringify(q)}\n`).join('')));

  const model = buildReportModel({
    manifest,
    run_id: input.runId,
    tool_version: input.toolVersion,
    rules_version: rulesVersionOf(manifest.contract),
    input_digest: inputDigest(input.inputHashes),
    parameters: input.parameters,
    population: Object.fromEntries(summary.checks.map((c) => [c.check_id, collector.population(c.check_id)])),
    findings,
    files: input.files
      .filter((f) => f.record_type !== null)
      .map((f) => ({
        path: f.path,
        record_type: f.record_type ?? '',
        records: f.records,
        accepted: f.accepted,
        quarantined: f.quarantined,
        fault: f.fault,
      })),
    key_fingerprint: fingerprint,
  });
  files.set(PACK_FILES.report, await renderReportPdf(model));
  files.set(PACK_FILES.publicKey, Buffer.from(publicKeyPem));

  for (const [name, data] of files) await deps.out.write(name, data);
  const manifestBytes = buildEvidenceManifest({
    run_id: input.runId,
    venue: manifest.venue,
    period: { start: manifest.period_start, end: manifest.period_end },
    tool_version: input.toolVersion,
    rules_version: rulesVersionOf(manifest.contract),
    parameters: input.parameters,
    inputs: input.inputHashes.map((h) => ({ path: h.path, sha256: h.sha256, bytes: h.bytes })),
    outputs: [...files].map(([name, data]) => ({ name, data })),
    public_key_pem: publicKeyPem,
    key_fingerprint: fingerprint,
  });
  await deps.out.write(PACK_FILES.manifest, manifestBytes);
  await deps.out.write(PACK_FILES.signature, await deps.signer.sign(manifestBytes));

  if (deps.store !== undefined) {
    deps.progress?.stage('findings store', findings.length, 'findings');
    await deps.store.recordFindings(input.runRecord, findings, { onWritten: (n) => deps.progress?.advance(n) });
    await deps.store.completeRun(input.runId, checkCounts(summary), { at: deps.now() });
  }
  deps.progress?.done();
  return { runId: input.runId, summary, findings, out: deps.out.uri, keyFingerprint: fingerprint };
}

/** The per-check counts a completed run stores (the Lambdas' Store step stores the same). */
export function checkCounts(summary: RunSummary): Record<string, CheckCounts> {
  return Object.fromEntries(
    summary.checks.map((c) => [
      c.check_id,
      {
        examined: c.examined,
        not_tested: c.not_tested,
        findings: {
          critical: c.findings.critical,
          high: c.findings.high,
          medium: c.findings.medium,
          low: c.findings.low,
        },
      },
    ]),
  );
}
