/** Errors of the command line. The exit code of any error is decided in one place: exit.ts. */
import { VatpAuditError, VatpAuditUsageError } from '../errors.js';

/** An argument or option the command cannot use (exit 2): the message names it and says why. */
export class ArgumentError extends VatpAuditUsageError {
  override readonly name = 'ArgumentError';
}

/** The command cannot run in this process (e.g. a setting out of range for the runtime): exit 1. */
export class CliError extends VatpAuditError {
  override readonly name = 'CliError';
}
