/** `vatp-audit run --input … --out …` (OUTPUT.md): exit 0 completed, 1 failed, 2 unusable arguments, 3 --fail-on. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadParameters } from '../config/loadParameters.js';
import { SEVERITY_RANK, type Severity } from '../findings/finding.js';
import { UsageError } from '../pipeline/errors.js';
import type { FinalizedRun } from '../pipeline/finalizeRun.js';
import { runAudit } from '../pipeline/runAudit.js';
import { terminalProgress } from './progressBars.js';
import type { CliServices } from './services.js';
import { TOOL_VERSION } from './version.js';

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
    .requiredOption('--out <dir|s3://bucket/prefix>', 'where the evidence pack is written')
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
    .option('--sort-memory <records>', 'records held in memory per sort run before spilling to disk', positiveInt)
    .option('--no-store', 'do not write findings to DynamoDB')
    .action(async (o: RunCliOptions) => {
      process.exitCode = await executeRun(o, deps);
    });
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
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
  let services: CliServices | undefined;
  try {
    services = await deps.services();
    const s = services;
    const result = await runAudit(
      { input: o.input, parameters, toolVersion: TOOL_VERSION, tmpDir, sortMemoryRecords: o.sortMemory },
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
