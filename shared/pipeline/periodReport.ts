/**
 * The on-demand period report (for SFC submission): the latest completed run of each audit period of a venue in a
 * date range, from the findings store, rendered as one report with per-day trends and packed like a run's evidence:
 * report.pdf, runs.json (the runs covered, with their input hashes and counts), findings.jsonl (the findings of those
 * runs with their current review status), the public key, manifest.json and its signature.
 */

import type { OutputSink } from '../adapters/s3/outputSink.js';
import { RULES_VERSION } from '../checks/catalogue.js';
import { canonicalJson } from '../contract/canonicalJson.js';
import { buildEvidenceManifest, inputDigest, sha256Hex } from '../evidence/manifest.js';
import { keyFingerprint, type Signer } from '../evidence/signer.js';
import { buildPeriodReportModel } from '../report/periodModel.js';
import { renderPeriodReportPdf } from '../report/renderPdf.js';
import { findingJsonLine } from '../store/findingJson.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunRecord } from '../store/types.js';
import { UsageError } from './errors.js';

export interface PeriodReportOptions {
  venue: string;
  /** Inclusive start and exclusive end of the range of period starts (RFC 3339 UTC). */
  from: string;
  to: string;
  toolVersion: string;
}

export interface PeriodReportResult {
  runs: RunRecord[];
  findings: number;
  keyFingerprint: string;
}

/** The latest completed run per distinct period (a rerun supersedes an earlier run of the same period). */
export function latestCompletedPerPeriod(runs: readonly RunRecord[]): RunRecord[] {
  const byPeriod = new Map<string, RunRecord>();
  for (const r of runs) {
    if (r.status !== 'completed') continue;
    const key = `${r.period_start}\u0000${r.period_end}`;
    const prev = byPeriod.get(key);
    if (prev === undefined || prev.started_at < r.started_at) byPeriod.set(key, r);
  }
  return [...byPeriod.values()].sort((a, b) =>
    a.period_start === b.period_start ? 0 : a.period_start < b.period_start ? -1 : 1,
  );
}

export async function buildPeriodReport(
  opts: PeriodReportOptions,
  deps: { store: FindingsStore; out: OutputSink; signer: Signer },
): Promise<PeriodReportResult> {
  const runs = latestCompletedPerPeriod(await deps.store.listRuns(opts.venue, { from: opts.from, to: opts.to }));
  if (runs.length === 0) {
    throw new UsageError(
      `no completed run of venue ${opts.venue} with a period starting in [${opts.from}, ${opts.to})`,
    );
  }
  const publicKeyPem = await deps.signer.publicKeyPem();
  const fingerprint = keyFingerprint(publicKeyPem);
  const model = buildPeriodReportModel({
    venue: opts.venue,
    operator_entity_id: runs[0]?.operator_entity_id ?? null,
    tool_version: opts.toolVersion,
    rules_version: RULES_VERSION,
    key_fingerprint: fingerprint,
    runs: runs.map((r) => ({
      run_id: r.run_id,
      period_start: r.period_start,
      period_end: r.period_end,
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

  const findingLines: string[] = [];
  for (const r of runs) {
    const statuses = new Map((await deps.store.listFindings({ run_id: r.run_id })).map((f) => [f.finding_id, f]));
    for (const f of await deps.store.runFindings(r.run_id)) {
      const s = statuses.get(f.finding_id);
      findingLines.push(
        `${findingJsonLine(f).slice(0, -1)},"status":${JSON.stringify(s?.status ?? 'open')},"history":${JSON.stringify(s?.history ?? [])}}`,
      );
    }
  }
  const runsJson = runs.map((r) => ({
    run_id: r.run_id,
    period_start: r.period_start,
    period_end: r.period_end,
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
    rules_version: RULES_VERSION,
    parameters: { runs: runs.length },
    inputs,
    outputs: [...files].map(([name, data]) => ({ name, data })),
    public_key_pem: publicKeyPem,
    key_fingerprint: fingerprint,
  });
  await deps.out.write('manifest.json', manifest);
  await deps.out.write('manifest.sig', await deps.signer.sign(manifest));
  return { runs, findings: findingLines.length, keyFingerprint: fingerprint };
}
