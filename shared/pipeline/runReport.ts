/**
 * The report a reviewer acts on: one run's report generated from the findings store after review, with each finding's
 * current status and latest response, and the sign-off page when the run is accepted (DRAFT on every page until then).
 * The evidence pack written by `run` stays a pure function of inputs and parameters (its report shows the findings as
 * found); this pack is generated afterwards and signed like it: report.pdf, findings.jsonl (each finding with its
 * review status and history), run.json (the run record), the public key, manifest.json (the run's input files, so
 * `verify --inputs` re-hashes the dataset) and manifest.sig.
 *
 * Deterministic: the same store state gives the same bytes. The report's date is the latest moment of that state
 * (completion, responses, acceptance), never the clock.
 */
import type { OutputSink } from '../adapters/s3/outputSink.js';
import { auditParametersSchema } from '../config/parameters.js';
import { canonicalJson } from '../contract/canonicalJson.js';
import { parseTimestampNs } from '../contract/time.js';
import { buildEvidenceManifest, inputDigest } from '../evidence/manifest.js';
import { keyFingerprint, type Signer } from '../evidence/signer.js';
import type { Population } from '../findings/collector.js';
import { recordTypeOf } from '../ingest/layout.js';
import { ReportError } from '../report/errors.js';
import { buildReportModel, type FileStat, type ManagementResponse } from '../report/model.js';
import { renderReportPdf } from '../report/renderPdf.js';
import { findingJsonLine } from '../store/findingJson.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunRecord, StoredFinding } from '../store/types.js';
import { UsageError } from './errors.js';

/** The pack's file names. */
export const RUN_REPORT_FILES = {
  report: 'report.pdf',
  findings: 'findings.jsonl',
  run: 'run.json',
  publicKey: 'public-key.pem',
  manifest: 'manifest.json',
  signature: 'manifest.sig',
} as const;

/** The store keeps how many items a check could not test, not why: the reasons are in the run's summary.json. */
export const NOT_TESTED_REASONS_ELSEWHERE = "reasons in summary.json of the run's evidence pack";

export interface RunReportOptions {
  runId: string;
  toolVersion: string;
}

export interface RunReportResult {
  run: RunRecord;
  findings: number;
  responded: number;
  draft: boolean;
  keyFingerprint: string;
}

export interface RunReportDeps {
  store: Pick<FindingsStore, 'getRun' | 'listFindings'>;
  out: OutputSink;
  signer: Signer;
}

/** The latest of the given instants (RFC 3339), compared as instants; null when none. */
export function latestInstant(instants: Iterable<string | null | undefined>): string | null {
  let best: { text: string; ns: bigint } | null = null;
  for (const text of instants) {
    if (!text) continue;
    const ns = parseTimestampNs(text);
    if (ns !== undefined && (best === null || ns > best.ns)) best = { text, ns };
  }
  return best?.text ?? null;
}

/** A finding's review state as the report shows it: current status, latest response, how many actions. */
export function responseOf(f: StoredFinding): ManagementResponse | undefined {
  const latest = f.history.at(-1);
  if (latest === undefined) return undefined;
  return {
    status: f.status,
    response: latest.note,
    responded_by: latest.by,
    responded_at: latest.at,
    history_count: f.history.length,
  };
}

/** Input files as the run report lists them: quarantine counts and read faults from the run's DQ-1 findings. */
function fileStats(run: RunRecord, findings: readonly StoredFinding[]): FileStat[] {
  const quarantined = new Map<string, number>();
  const faults = new Map<string, string>();
  for (const f of findings) {
    if (f.check_id !== 'DQ-1' || typeof f.evidence.file !== 'string') continue;
    quarantined.set(f.evidence.file, (quarantined.get(f.evidence.file) ?? 0) + 1);
    if (f.evidence.scope === 'file' && typeof f.evidence.reason === 'string') {
      faults.set(f.evidence.file, `${f.evidence.reason} (line ${String(f.evidence.line)})`);
    }
  }
  return run.inputs.flatMap((i) => {
    const type = recordTypeOf(i.path, run.data_contract === 2 ? 2 : 1);
    return type === null
      ? []
      : [
          {
            path: i.path,
            record_type: type,
            records: null,
            accepted: null,
            quarantined: quarantined.get(i.path) ?? 0,
            fault: faults.get(i.path) ?? null,
          },
        ];
  });
}

export async function buildRunReport(opts: RunReportOptions, deps: RunReportDeps): Promise<RunReportResult> {
  const run = await deps.store.getRun(opts.runId);
  if (run === undefined) throw new UsageError(`no run ${opts.runId} in the findings store`);
  if (run.status !== 'completed') {
    throw new UsageError(`run ${opts.runId} is ${run.status}: only a completed run has findings to report`);
  }
  const parameters = auditParametersSchema.safeParse(run.parameters);
  if (!parameters.success) {
    throw new ReportError(`run ${opts.runId}: its recorded parameters are not valid audit parameters`);
  }
  const findings = await deps.store.listFindings({ run_id: run.run_id });
  const acceptance = run.acceptance ?? null;
  const responses = new Map<string, ManagementResponse>();
  for (const f of findings) {
    const r = responseOf(f);
    if (r !== undefined) responses.set(f.finding_id, r);
  }
  const asOf = latestInstant([
    run.completed_at,
    acceptance?.at,
    ...findings.flatMap((f) => f.history.map((h) => h.at)),
  ]);

  const publicKeyPem = await deps.signer.publicKeyPem();
  const fingerprint = keyFingerprint(publicKeyPem);
  const inputs = run.inputs.map((i) => ({ path: i.path, sha256: i.sha256, bytes: i.size }));
  const population: Record<string, Population> = {};
  for (const [id, c] of Object.entries(run.counts ?? {})) {
    population[id] = {
      examined: c.examined,
      notTested: c.not_tested > 0 ? { [NOT_TESTED_REASONS_ELSEWHERE]: c.not_tested } : {},
    };
  }
  const model = buildReportModel({
    manifest: {
      venue: run.venue,
      operator_entity_id: run.operator_entity_id,
      period_start: run.period_start,
      period_end: run.period_end,
    },
    run_id: run.run_id,
    tool_version: run.tool_version ?? opts.toolVersion,
    rules_version: run.rules_version,
    input_digest: inputDigest(inputs),
    parameters: parameters.data,
    population,
    findings,
    files: fileStats(run, findings),
    responses,
    review: { as_of: asOf, acceptance },
    key_fingerprint: fingerprint,
    issued_at: asOf,
  });

  const findingLines = findings.map(
    (f) =>
      `${findingJsonLine(f).slice(0, -1)},"status":${JSON.stringify(f.status)},"history":${JSON.stringify(f.history)}}\n`,
  );
  const files = new Map<string, Buffer>([
    [RUN_REPORT_FILES.report, await renderReportPdf(model)],
    [RUN_REPORT_FILES.findings, Buffer.from(findingLines.join(''))],
    [RUN_REPORT_FILES.run, Buffer.from(`${JSON.stringify(JSON.parse(canonicalJson(run)), null, 2)}\n`)],
    [RUN_REPORT_FILES.publicKey, Buffer.from(publicKeyPem)],
  ]);
  for (const [name, data] of files) await deps.out.write(name, data);
  const manifest = buildEvidenceManifest({
    run_id: run.run_id,
    venue: run.venue,
    period: { start: run.period_start, end: run.period_end },
    tool_version: opts.toolVersion,
    rules_version: run.rules_version,
    parameters: run.parameters,
    inputs,
    outputs: [...files].map(([name, data]) => ({ name, data })),
    public_key_pem: publicKeyPem,
    key_fingerprint: fingerprint,
  });
  await deps.out.write(RUN_REPORT_FILES.manifest, manifest);
  await deps.out.write(RUN_REPORT_FILES.signature, await deps.signer.sign(manifest));
  return {
    run,
    findings: findings.length,
    responded: responses.size,
    draft: acceptance === null,
    keyFingerprint: fingerprint,
  };
}
