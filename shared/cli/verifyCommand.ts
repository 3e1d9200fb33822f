/** `vatp-audit verify <pack>`: exit 0 only if every hash and the manifest's signature hold; names each mismatch. */
import type { Command } from 'commander';
import { type PackReader, type VerifyOptions, verifyEvidencePack } from '../evidence/verify.js';

export interface VerifyCommandDeps {
  openReader: (uri: string) => Promise<PackReader>;
  /** Re-hashes the files of a dataset root (for --inputs). */
  openInputs?: (root: string) => Promise<NonNullable<VerifyOptions['inputs']>>;
  out: (line: string) => void;
  err: (line: string) => void;
}

export function registerVerifyCommand(program: Command, deps: VerifyCommandDeps): void {
  program
    .command('verify')
    .description("check an evidence pack: every hash in its manifest and the manifest's signature")
    .argument('<pack>', 'evidence pack folder or s3://bucket/prefix')
    .option('--pin <fingerprint>', 'the SHA-256 fingerprint of the signing key you expect (printed on the report)')
    .option('--inputs <dataset>', 'also re-hash the input files of this dataset root')
    .action(async (pack: string, o: { pin?: string; inputs?: string }) => {
      let reader: PackReader;
      let inputs: VerifyOptions['inputs'];
      try {
        reader = await deps.openReader(pack);
        if (o.inputs !== undefined) {
          if (deps.openInputs === undefined) throw new Error('--inputs is not available here');
          inputs = await deps.openInputs(o.inputs);
        }
      } catch (error) {
        // Unusable arguments (no such pack or dataset) are exit 2, as for `run`.
        deps.err(`vatp-audit verify: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 2;
        return;
      }
      const result = await verifyEvidencePack(reader, { pinnedFingerprint: o.pin, inputs });
      for (const w of result.warnings) deps.err(`WARNING: ${w}`);
      if (result.ok) {
        deps.out(
          `OK: ${pack} — run ${result.runId}, ${result.checked} files verified, signed by key ${result.keyFingerprint}`,
        );
        process.exitCode = 0;
      } else {
        for (const p of result.problems) deps.err(`MISMATCH: ${p}`);
        deps.err(`FAILED: ${pack} — ${result.problems.length} problem(s)`);
        process.exitCode = 1;
      }
    });
}
