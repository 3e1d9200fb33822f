/** Errors of the S3 adapters. */
export class S3AdapterError extends Error {
  override readonly name: string = 'S3AdapterError';
  /** True when the object or bucket does not exist. */
  readonly notFound: boolean;
  constructor(message: string, options?: { cause?: unknown; notFound?: boolean }) {
    super(message, options);
    this.notFound = options?.notFound ?? false;
  }
}

/** A location or name that is not usable (bad s3:// URI, a name escaping its folder). */
export class S3PathError extends S3AdapterError {
  override readonly name = 'S3PathError';
}
