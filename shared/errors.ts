/**
 * The base of every error vatp-audit throws on purpose. Each area's `errors.ts` extends it; the command line maps any
 * error to its exit code in one place (shared/cli/exit.ts) and the Lambdas rethrow it, so Step Functions sees its
 * `name`. Exit codes follow OUTPUT.md: 2 for what the user can fix in the arguments, the configuration or the
 * dataset's manifest (a usage error), 1 for a run that failed.
 *
 * The bottom layer: imports nothing.
 */

/** Exit 2: unusable arguments, configuration or manifest. */
export const EXIT_USAGE = 2;
/** Exit 1: the command could not do its work (I/O, AWS, a broken invariant). */
export const EXIT_FAILURE = 1;

export interface VatpAuditErrorOptions {
  cause?: unknown;
}

export class VatpAuditError extends Error {
  override name = 'VatpAuditError';
  /** The process exit code when this error ends a command: EXIT_FAILURE unless a subclass says otherwise. */
  readonly exitCode: number = EXIT_FAILURE;
}

/** Base of the errors the user fixes in what they gave (exit 2). */
export class VatpAuditUsageError extends VatpAuditError {
  override name = 'VatpAuditUsageError';
  override readonly exitCode: number = EXIT_USAGE;
}
