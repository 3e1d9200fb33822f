/** `vatp-audit verify <pack>`: exit 0 only if every hash and the manifest's signature hold; names each mismatch. */
import type { Command } from 'commander';
import { type PackReader, type VerifyOptions, verifyEvidencePack } from '../evidence/verify.js';
import { plural } from '../report/words.js';
import { ArgumentError } from './errors.js';

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
      const reader = await asArgument(() => deps.openReader(pack));
      let inputs: VerifyOptions['inputs'];
      if (o.inputs !== undefined) {
        const open = deps.openInputs;
        if (open === undefined) throw new ArgumentError('--inputs is not available here');
        inputs = await asArgument(() => open(o.inputs!));
      }
      const result = await verifyEvidencePack(reader, { pinnedFingerprint: o.pin, inputs });
      for (const w of result.warnings) deps.err(`WARNING: ${w}`);
      if (result.ok) {
        deps.out(
          `OK: ${pack} — run ${result.runId}, ${plural(result.checked, 'file')} verified, signed by key ${result.keyFingerprint}`,
        );
        process.exitCode = 0;
      } else {
        for (const p of result.problems) deps.err(`MISMATCH: ${p}`);
        deps.err(`FAILED: ${pack} — ${plural(result.problems.length, 'problem')}`);
        process.exitCode = 1;
      }
    });
}

/** A pack or dataset that cannot be opened is an unusable argument (exit 2), as for `run`. */
async function asArgument<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw new ArgumentError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
