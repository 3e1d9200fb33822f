/** Errors of the S3 adapters. */
import { EXIT_USAGE, VatpAuditError } from '../../errors.js';

export class S3AdapterError extends VatpAuditError {
  override readonly name: string = 'S3AdapterError';
  /** True when the object or bucket does not exist. */
  readonly notFound: boolean;
  constructor(message: string, options?: { cause?: unknown; notFound?: boolean }) {
    super(message, options);
    this.notFound = options?.notFound ?? false;
  }
}

/** A location or name that is not usable (bad s3:// URI, a name escaping its folder): exit 2. */
export class S3PathError extends S3AdapterError {
  override readonly name = 'S3PathError';
  override readonly exitCode: number = EXIT_USAGE;
}
