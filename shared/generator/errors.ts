/** Errors of the sample-data generator. */
import { VatpAuditError, VatpAuditUsageError } from '../errors.js';

export class GeneratorError extends VatpAuditError {
  override readonly name: string = 'GeneratorError';
}

/** The options do not describe a dataset that can be generated (e.g. a negative order count): exit 2. */
export class GeneratorOptionsError extends VatpAuditUsageError {
  override readonly name = 'GeneratorOptionsError';
}

/** A dataset file could not be written. */
export class GeneratorWriteError extends GeneratorError {
  override readonly name = 'GeneratorWriteError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
