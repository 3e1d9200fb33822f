/** Errors of the audit pipeline, typed so that the CLI can map them to OUTPUT.md's exit codes. */
import { VatpAuditError, VatpAuditUsageError } from '../errors.js';

/** Exit 2: the arguments or the dataset's manifest.json are unusable. */
export class UsageError extends VatpAuditUsageError {
  override readonly name: string = 'UsageError';
}

/** Exit 1: the run itself failed (an input could not be listed or read, an output could not be written). */
export class RunFailedError extends VatpAuditError {
  override readonly name = 'RunFailedError';
}
