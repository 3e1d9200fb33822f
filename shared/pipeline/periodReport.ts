/**
 * The on-demand period report (for SFC submission): the accepted run of each audit period of a venue whose start is in
 * the range asked for, from the findings store, rendered as one report (per-day trends, the days with no accepted run,
 * the case file of every finding with its review history) and packed like a run's evidence: report.pdf, runs.json (the
 * runs covered, with their input hashes, counts and acceptance), findings.jsonl (their findings with current review
 * status and history), the public key, manifest.json and its signature.
 */

import type { OutputSink } from '../adapters/s3/outputSink.js';
import { canonicalJson } from '../contract/canonicalJson.js';
import { parseTimestampNs } from '../contract/time.js';
import { buildEvidenceManifest, inputDigest, sha256Hex } from '../evidence/manifest.js';
import { keyFingerprint, type Signer } from '../evidence/signer.js';
import { buildPeriodReportModel } from '../report/periodModel.js';
import { renderPeriodReportPdf } from '../report/renderPdf.js';
import { findingJsonLine } from '../store/findingJson.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunAcceptance, RunRecord, StoredFinding } from '../store/types.js';
import { UsageError } from './errors.js';

export interface PeriodReportOptions {
  venue: string;
  /** Inclusive start and exclusive end of the range of period starts (RFC 3339 UTC). */
  from: string;
  to: string;
  toolVersion: string;
  /** The instant the report is as of (the CLI passes now): the ages of open findings are measured to it. */
  asOf: string;
}

export interface PeriodReportResult {
  runs: RunRecord[];
  findings: number;
  keyFingerprint: string;
  /** UTC days of the range with no accepted run. */
  uncoveredDays: number;
}

type AcceptedRun = RunRecord & { acceptance: RunAcceptance };

/**
 * The accepted run of each distinct period: accepted and not superseded. Should an interrupted acceptance leave two,
 * the one accepted last.
 */
export function acceptedPerPeriod(runs: readonly RunRecord[]): AcceptedRun[] {
  const byPeriod = new Map<string, AcceptedRun>();
  for (const r of runs) {
    if (r.acceptance === null || r.superseded_by !== null) continue;
    const key = `${r.period_start}\u0000${r.period_end}`;
    const prev = byPeriod.get(key);
    const later =
      prev === undefined || (parseTimestampNs(prev.acceptance.at) ?? 0n) < (parseTimestampNs(r.acceptance.at) ?? 0n);
    if (later) byPeriod.set(key, r as AcceptedRun);
  }
  return [...byPeriod.values()].sort((a, b) =>
    a.period_start === b.period_start ? 0 : a.period_start < b.period_start ? -1 : 1,
  );
}

export async function buildPeriodReport(
  opts: PeriodReportOptions,
  deps: { store: FindingsStore; out: OutputSink; signer: Signer },
): Promise<PeriodReportResult> {
  const inRange = await deps.store.listRuns(opts.venue, { from: opts.from, to: opts.to });
  const runs = acceptedPerPeriod(inRange);
  if (runs.length === 0) {
    const drafts = inRange.filter((r) => r.status === 'completed' && r.acceptance === null).length;
    throw new UsageError(
      `no accepted run of venue ${opts.venue} with a period starting in [${opts.from}, ${opts.to}): ${drafts} completed draft run(s) (vatp-audit runs list --venue ${opts.venue}); accept one with: vatp-audit runs accept <run_id> --by "<name>"`,
    );
  }
  const official = new Set(runs.map((r) => r.run_id));
  const stored: StoredFinding[] = [];
  for (const r of runs) stored.push(...(await deps.store.listFindings({ run_id: r.run_id })));

  // The rules the period's runs were judged by (one version per data contract), all of them.
  const rulesVersion = [...new Set(runs.map((r) => r.rules_version))].sort().join(', ');
  const publicKeyPem = await deps.signer.publicKeyPem();
  const fingerprint = keyFingerprint(publicKeyPem);
  const model = buildPeriodReportModel({
    venue: opts.venue,
    operator_entity_id: runs[0]?.operator_entity_id ?? null,
    tool_version: opts.toolVersion,
    rules_version: rulesVersion,
    key_fingerprint: fingerprint,
    range: { from: opts.from, to: opts.to },
    as_of: opts.asOf,
    other_runs: inRange
      .filter((r) => !official.has(r.run_id))
      .map((r) => ({
        run_id: r.run_id,
        period_start: r.period_start,
        period_end: r.period_end,
        status: r.status,
        started_at: r.started_at,
        accepted: r.acceptance !== null,
      })),
    findings: stored.map((f) => ({
      finding_id: f.finding_id,
      run_id: f.run_id,
      check_id: f.check_id,
      severity: f.severity,
      subject: f.subject,
      title: f.title,
      period_start: f.period_start,
      period_end: f.period_end,
      status: f.status,
      history: f.history,
    })),
    runs: runs.map((r) => ({
      run_id: r.run_id,
      period_start: r.period_start,
      period_end: r.period_end,
      started_at: r.started_at,
      acceptance: r.acceptance,
      input_digest: inputDigest(r.inputs.map((i) => ({ path: i.path, sha256: i.sha256, bytes: i.size }))),
      checks: Object.fromEntries(
        Object.entries(r.counts ?? {}).map(([id, c]) => [
          id,
          {
            examined: c.examined,
            not_tested: c.not_tested,
            findings: {
              critical: c.findings.critical ?? 0,
              high: c.findings.high ?? 0,
              medium: c.findings.medium ?? 0,
              low: c.findings.low ?? 0,
            },
          },
        ]),
      ),
    })),
  });

  const findingLines = stored.map(
    (f) =>
      `${findingJsonLine(f).slice(0, -1)},"status":${JSON.stringify(f.status)},"history":${JSON.stringify(f.history)}}`,
  );
  const runsJson = runs.map((r) => ({
    run_id: r.run_id,
    period_start: r.period_start,
    period_end: r.period_end,
    acceptance: r.acceptance,
    supersedes: r.supersedes,
    dataset_root: r.dataset_root,
    rules_version: r.rules_version,
    tool_version: r.tool_version,
    parameters: r.parameters,
    inputs: r.inputs,
    counts: r.counts,
    findings_total: r.findings_total,
  }));
  const files = new Map<string, Buffer>([
    ['report.pdf', await renderPeriodReportPdf(model)],
    ['runs.json', Buffer.from(`${JSON.stringify(JSON.parse(canonicalJson(runsJson)), null, 2)}\n`)],
    ['findings.jsonl', Buffer.from(findingLines.map((l) => `${l}\n`).join(''))],
    ['public-key.pem', Buffer.from(publicKeyPem)],
  ]);
  for (const [name, data] of files) await deps.out.write(name, data);
  // The inputs of a period report are the runs it covers, each named by its run id and the digest of its inputs.
  const inputs = runsJson.map((r) => {
    const text = canonicalJson(r);
    return { path: `runs/${r.run_id}`, sha256: sha256Hex(text), bytes: Buffer.byteLength(text) };
  });
  const manifest = buildEvidenceManifest({
    run_id: `period-${sha256Hex(runs.map((r) => r.run_id).join(',')).slice(0, 32)}`,
    venue: opts.venue,
    period: { start: opts.from, end: opts.to },
    tool_version: opts.toolVersion,
    rules_version: rulesVersion,
    parameters: { runs: runs.length },
    inputs,
    outputs: [...files].map(([name, data]) => ({ name, data })),
    public_key_pem: publicKeyPem,
    key_fingerprint: fingerprint,
  });
  await deps.out.write('manifest.json', manifest);
  await deps.out.write('manifest.sig', await deps.signer.sign(manifest));
  return { runs, findings: findingLines.length, keyFingerprint: fingerprint, uncoveredDays: model.uncovered_days };
}
