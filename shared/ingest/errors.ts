/** Typed errors of dataset ingestion. Data faults inside files are never errors: they become DQ-1 findings. */
import { VatpAuditError, VatpAuditUsageError } from '../errors.js';

/** manifest.json is missing or invalid: the run cannot start (the CLI exits 2 with this message). */
export class ManifestError extends VatpAuditUsageError {
  override readonly name = 'ManifestError';
}

/** The dataset root is not a usable location (bad s3:// URI, not a folder): exit 2. */
export class SourceError extends VatpAuditUsageError {
  override readonly name = 'SourceError';
}

/**
 * The storage failed while a file was listed or read (I/O error, network, access denied). This is a failure of the
 * run, not of the data: it is not reported as DQ-1, because the file may well be intact.
 */
export class SourceReadError extends VatpAuditError {
  override readonly name: string = 'SourceReadError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A file was to be read as a record type that its dataset's contract version does not have (a caller's mistake). */
export class RecordKindError extends VatpAuditError {
  override readonly name = 'RecordKindError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** SourceReadError for a file that does not exist. */
export class FileNotFoundError extends SourceReadError {
  override readonly name = 'FileNotFoundError';
  readonly notFound = true;
}
