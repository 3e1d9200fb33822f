/** `vatp-audit run --input … --out …` (OUTPUT.md): exit 0 completed, 1 failed, 2 unusable arguments, 3 --fail-on. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { loadParameters } from '../config/loadParameters.js';
import { TOOL_VERSION } from '../config/version.js';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../contract/finding.js';
import { sortWorkersForThisMachine } from '../ordering/readOrderedStream.js';
import type { FinalizedRun } from '../pipeline/finalizeRun.js';
import { startRemoteRun } from '../pipeline/partition/remoteRun.js';
import { runAudit } from '../pipeline/runAudit.js';
import { plural } from '../report/words.js';
import { ArgumentError } from './errors.js';
import { limitHeapGrowth } from './heapGrowth.js';
import { FORCE_HELP, prepareOutput } from './outputLocation.js';
import { terminalProgress } from './progressBars.js';
import type { CliServices } from './services.js';

export interface RunCommandDeps {
  services: () => Promise<CliServices>;
  out: (line: string) => void;
  err: (line: string) => void;
  severities: readonly Severity[];
  /** The data home (VATP_AUDIT_HOME): never emptied by --force, and where the local signing key lives. */
  dataHome: string;
}

export interface RunCliOptions {
  input: string;
  out: string;
  config?: string;
  failOn?: Severity;
  signingKey?: string;
  sortMemory?: number;
  store: boolean;
  /** Empty a non-empty --out first. */
  force?: boolean;
}

export function registerRunCommand(program: Command, deps: RunCommandDeps): void {
  program
    .command('run')
    .description('audit one dataset: write the evidence pack to --out and the findings to DynamoDB')
    .requiredOption('--input <dir|s3://bucket/prefix>', 'dataset root (DATA-CONTRACT v1)')
    .option('--out <dir|s3://bucket/prefix>', 'where the evidence pack is written (required unless --remote)')
    .option('--config <file>', 'parameters (JSON): haircut_floor, eligible_va_collateral, margin_call_within')
    .addOption(
      new Option('--fail-on <severity>', 'exit 3 when a finding at or above this severity exists').choices([
        ...deps.severities,
      ]),
    )
    .option('--force', FORCE_HELP)
    .option(
      '--signing-key <pem>',
      "ECDSA P-256 private key (PEM) to sign the manifest; default the data home's signing-key.pem",
    )
    .option(
      '--sort-memory <records>',
      'records the external sort holds in memory before spilling a run to disk (shared among its workers)',
      positiveInt,
    )
    .option('--no-store', 'do not write findings to DynamoDB')
    .option('--remote', 'start the deployed state machine (VATP_AUDIT_STATE_MACHINE_ARN) on an s3:// dataset instead')
    .action(async (o: RunCliOptions & { out?: string; remote?: boolean }) => {
      if (o.remote === true) {
        process.exitCode = await executeRemoteRun(o, deps);
        return;
      }
      if (o.out === undefined)
        throw new ArgumentError("required option '--out <dir|s3://bucket/prefix>' not specified");
      process.exitCode = await executeRun({ ...o, out: o.out }, deps);
    });
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

async function executeRemoteRun(
  o: { input: string; out?: string; config?: string },
  deps: RunCommandDeps,
): Promise<number> {
  const arn = process.env.VATP_AUDIT_STATE_MACHINE_ARN;
  if (arn === undefined || arn === '') {
    throw new ArgumentError('--remote needs VATP_AUDIT_STATE_MACHINE_ARN (the StateMachineArn output of the stack)');
  }
  const parameters = o.config === undefined ? undefined : await loadParameters(o.config);
  const started = await startRemoteRun({
    sfn: new SFNClient({}),
    stateMachineArn: arn,
    input: o.input,
    out: o.out,
    parameters,
  });
  deps.out(`started ${started.executionArn}`);
  return 0;
}

/**
 * Audits one dataset in this process; returns 0, or 3 when --fail-on trips (with one line on stderr saying why). Any
 * error propagates to the command line's one mapping of errors to exit codes (exit.ts).
 */
export async function executeRun(o: RunCliOptions, deps: RunCommandDeps): Promise<number> {
  const parameters = await loadParameters(o.config);
  const tmpDir = await mkdtemp(join(tmpdir(), 'vatp-audit-'));
  // Peak RSS: keep the heaps near their live size through the run (heapGrowth.ts).
  limitHeapGrowth();
  let services: CliServices | undefined;
  const progress = terminalProgress();
  try {
    services = await deps.services();
    const s = services;
    const out = await prepareOutput(s.openSink(o.out), {
      option: '--out',
      force: o.force === true,
      guarded: [
        { location: o.input, what: 'the input dataset', noPackInside: true },
        { location: deps.dataHome, what: 'the data home', noPackInside: false },
      ],
    });
    // An unusable signing key is found now, not after the whole audit.
    const signer = s.signer(o.signingKey);
    await signer.publicKeyPem();
    const result = await runAudit(
      // readWorker: reading and parsing on the second core while this one replays; an unsorted stream is read and
      // sorted by a worker per core before the replay starts.
      {
        input: o.input,
        parameters,
        toolVersion: TOOL_VERSION,
        tmpDir,
        sortMemoryRecords: o.sortMemory,
        readWorker: true,
        sortWorkers: sortWorkersForThisMachine(),
      },
      {
        s3: () => s.clients.s3,
        out,
        signer,
        store: o.store ? await s.store() : undefined,
        now: () => new Date(),
        progress,
      },
    );
    printRunSummary(result, deps.out);
    if (o.failOn === undefined) return 0;
    const floor = SEVERITY_RANK[o.failOn];
    const tripped = SEVERITIES.filter((sev) => SEVERITY_RANK[sev] >= floor);
    const total = tripped.reduce((n, sev) => n + result.summary.findings_by_severity[sev], 0);
    if (total === 0) return 0;
    const bySeverity = tripped.map((sev) => `${result.summary.findings_by_severity[sev]} ${sev}`).join(', ');
    deps.err(
      `vatp-audit run: --fail-on ${o.failOn}: ${plural(total, 'finding')} at or above ${o.failOn} (${bySeverity}); exit 3`,
    );
    return 3;
  } catch (error) {
    progress?.abort?.();
    throw error;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
    await services?.close();
  }
}

/** Files a summary names when it lists files not read to the end. */
const FILES_NAMED = 5;

export function printRunSummary(result: FinalizedRun, out: (line: string) => void): void {
  const s = result.summary;
  const sev = s.findings_by_severity;
  const r = s.reconciliation;
  out(`run ${s.run_id}  venue ${s.venue}  period ${s.period_start} .. ${s.period_end}`);
  const recordFiles = s.files.filter((f) => f.record_type !== null);
  out(
    `${plural(recordFiles.length, 'record file')}: ${plural(r.records, 'record')} read, ${r.accepted} accepted, ${r.quarantined} quarantined`,
  );
  const unread = recordFiles.filter((f) => f.fault !== null);
  if (unread.length > 0) {
    const named = unread.slice(0, FILES_NAMED).map((f) => `${f.path} (${f.fault})`);
    const more = unread.length > FILES_NAMED ? `; and ${unread.length - FILES_NAMED} more in summary.json` : '';
    out(`${plural(unread.length, 'file')} not read to the end (DQ-1): ${named.join('; ')}${more}`);
  }
  const ignored = s.files.filter((f) => f.record_type === null && f.path !== 'manifest.json').length;
  if (ignored > 0) out(`${plural(ignored, 'file')} outside the record folders: hashed, not read`);
  out(
    `${plural(s.findings_total, 'finding')}: ${sev.critical} critical, ${sev.high} high, ${sev.medium} medium, ${sev.low} low`,
  );
  for (const c of s.checks) {
    if (c.findings.total > 0 || c.status === 'not tested') {
      out(`  ${c.check_id.padEnd(7)} ${String(c.findings.total).padStart(6)}  ${c.status}  ${c.title}`);
    }
  }
  out(`evidence pack: ${result.out} (signing key fingerprint ${result.keyFingerprint})`);
}
