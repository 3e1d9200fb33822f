/** Errors of the partitioned (Step Functions) pipeline. Step Functions sees each by its `name`. */
import { VatpAuditError, VatpAuditUsageError } from '../../errors.js';

/** The work area holds something this step cannot use (missing or malformed intermediate file). */
export class WorkAreaError extends VatpAuditError {
  override readonly name = 'WorkAreaError';
}

/** A step's input (state payload or trigger event) is unusable. */
export class StepInputError extends VatpAuditUsageError {
  override readonly name = 'StepInputError';
}

/** The partitioned run cannot reproduce the single-process run (a broken invariant: never silently). */
export class PartitionInvariantError extends VatpAuditError {
  override readonly name = 'PartitionInvariantError';
}

/** Step Functions did not answer as documented (e.g. no execution ARN for a started execution). */
export class StepFunctionsResponseError extends VatpAuditError {
  override readonly name = 'StepFunctionsResponseError';
}

/**
 * The failure a state caught (`{ Error, Cause }`), rebuilt so that the run record keeps the failing step's own error
 * name and message.
 */
export class CaughtStepError extends VatpAuditError {
  override readonly name: string;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
