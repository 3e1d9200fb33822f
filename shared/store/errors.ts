/** Errors of the findings store. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The table exists with another key design, or a setting is unusable. */
export class StoreConfigError extends StoreError {
  override readonly name = 'StoreConfigError';
}

/** Input the store refuses (bad status, a finding of another run, duplicate finding ids, missing note…). */
export class StoreValidationError extends StoreError {
  override readonly name: string = 'StoreValidationError';
}

export class FindingNotFoundError extends StoreError {
  override readonly name = 'FindingNotFoundError';
  constructor(readonly findingId: string) {
    super(`no finding ${findingId}`);
  }
}

export class RunNotFoundError extends StoreError {
  override readonly name = 'RunNotFoundError';
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
