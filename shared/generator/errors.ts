/** Errors of the sample-data generator. */
export class GeneratorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeneratorError';
  }
}

/** The options do not describe a dataset that can be generated (e.g. a negative order count). */
export class GeneratorOptionsError extends GeneratorError {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratorOptionsError';
  }
}

/** A dataset file could not be written. */
export class GeneratorWriteError extends GeneratorError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GeneratorWriteError';
  }
}
