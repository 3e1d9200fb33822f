/** `vatp-audit run --input … --out …` (OUTPUT.md): exit 0 completed, 1 failed, 2 unusable arguments, 3 --fail-on. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadParameters } from '../config/loadParameters.js';
import { TOOL_VERSION } from '../config/version.js';
import { SEVERITY_RANK, type Severity } from '../contract/finding.js';
import { sortWorkersForThisMachine } from '../ordering/readOrderedStream.js';
import { UsageError } from '../pipeline/errors.js';
import type { FinalizedRun } from '../pipeline/finalizeRun.js';
import { startRemoteRun } from '../pipeline/partition/remoteRun.js';
import { runAudit } from '../pipeline/runAudit.js';
import { limitHeapGrowth } from './heapGrowth.js';
import { terminalProgress } from './progressBars.js';
import type { CliServices } from './services.js';

export interface RunCommandDeps {
  services: () => Promise<CliServices>;
  out: (line: string) => void;
  err: (line: string) => void;
  severities: readonly Severity[];
}

export interface RunCliOptions {
  input: string;
  out: string;
  config?: string;
  failOn?: Severity;
  signingKey?: string;
  sortMemory?: number;
  store: boolean;
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
    .option(
      '--signing-key <pem>',
      'ECDSA P-256 private key (PEM) to sign the manifest; default .vatp-audit/signing-key.pem',
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
      if (o.out === undefined) {
        deps.err("vatp-audit run: required option '--out <dir|s3://bucket/prefix>' not specified");
        process.exitCode = 2;
        return;
      }
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
    deps.err('vatp-audit run --remote: set VATP_AUDIT_STATE_MACHINE_ARN (the StateMachineArn output of the stack)');
    return 2;
  }
  try {
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
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.err(`vatp-audit run --remote: ${message}`);
    return error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
  }
}

export async function executeRun(o: RunCliOptions, deps: RunCommandDeps): Promise<number> {
  let parameters: Awaited<ReturnType<typeof loadParameters>>;
  try {
    parameters = await loadParameters(o.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      deps.err(`vatp-audit run: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const tmpDir = await mkdtemp(join(tmpdir(), 'vatp-audit-'));
  // Peak RSS: keep the heaps near their live size through the run (heapGrowth.ts).
  limitHeapGrowth();
  let services: CliServices | undefined;
  try {
    services = await deps.services();
    const s = services;
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
        out: s.openSink(o.out),
        signer: s.signer(o.signingKey),
        store: o.store ? await s.store() : undefined,
        now: () => new Date(),
        progress: terminalProgress(),
      },
    );
    printRunSummary(result, deps.out);
    if (o.failOn !== undefined) {
      const floor = SEVERITY_RANK[o.failOn];
      if (result.findings.some((f) => SEVERITY_RANK[f.severity] >= floor)) return 3;
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      deps.err(`vatp-audit run: ${message}`);
      return 2;
    }
    deps.err(`vatp-audit run failed: ${message}`);
    return 1;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
    await services?.close();
  }
}

export function printRunSummary(result: FinalizedRun, out: (line: string) => void): void {
  const s = result.summary;
  const sev = s.findings_by_severity;
  out(`run ${s.run_id}  venue ${s.venue}  period ${s.period_start} .. ${s.period_end}`);
  out(
    `records ${s.reconciliation.records} read, ${s.reconciliation.accepted} accepted, ${s.reconciliation.quarantined} quarantined`,
  );
  out(`findings ${s.findings_total}: ${sev.critical} critical, ${sev.high} high, ${sev.medium} medium, ${sev.low} low`);
  for (const c of s.checks) {
    if (c.findings.total > 0 || c.status === 'not tested') {
      out(`  ${c.check_id.padEnd(7)} ${String(c.findings.total).padStart(6)}  ${c.status}  ${c.title}`);
    }
  }
  out(`evidence pack: ${result.out} (signing key fingerprint ${result.keyFingerprint})`);
}
