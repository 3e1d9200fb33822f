/** Errors of the findings store. */
import { EXIT_USAGE, VatpAuditError } from '../errors.js';

export class StoreError extends VatpAuditError {
  override readonly name: string = 'StoreError';
}

/** The table exists with another key design, or a setting is unusable: exit 2 (fix the setting). */
export class StoreConfigError extends StoreError {
  override readonly name = 'StoreConfigError';
  override readonly exitCode: number = EXIT_USAGE;
}

/** Input the store refuses (bad status, a finding of another run, duplicate finding ids, missing note…): exit 2. */
export class StoreValidationError extends StoreError {
  override readonly name: string = 'StoreValidationError';
  override readonly exitCode: number = EXIT_USAGE;
}

/** No finding with this id (an argument naming nothing): exit 2. */
export class FindingNotFoundError extends StoreError {
  override readonly name = 'FindingNotFoundError';
  override readonly exitCode: number = EXIT_USAGE;
  constructor(readonly findingId: string) {
    super(`no finding ${findingId}`);
  }
}

/** No run with this id (an argument naming nothing): exit 2. */
export class RunNotFoundError extends StoreError {
  override readonly name = 'RunNotFoundError';
  override readonly exitCode: number = EXIT_USAGE;
  constructor(readonly runId: string) {
    super(`no run ${runId}`);
  }
}

/** A run that cannot be accepted: not completed, already accepted, or another run of its period accepted meanwhile. */
export class RunNotAcceptableError extends StoreValidationError {
  override readonly name = 'RunNotAcceptableError';
  constructor(
    readonly runId: string,
    message: string,
  ) {
    super(message);
  }
}

/** Items still unwritten after every retry: the write is reported failed, never silently partial. */
export class StoreWriteError extends StoreError {
  override readonly name = 'StoreWriteError';
}

/** Stored data disagrees with itself (blob hash mismatch, finding count differs from the run's counts). */
export class StoreIntegrityError extends StoreError {
  override readonly name = 'StoreIntegrityError';
}
