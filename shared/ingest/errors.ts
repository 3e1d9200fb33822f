/** Typed errors of dataset ingestion. Data faults inside files are never errors: they become DQ-1 findings. */

/** manifest.json is missing or invalid: the run cannot start (the CLI exits 2 with this message). */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The dataset root is not a usable location (bad s3:// URI, not a folder). */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The storage failed while a file was listed or read (I/O error, network, access denied). This is a failure of the
 * run, not of the data: it is not reported as DQ-1, because the file may well be intact.
 */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A file was to be read as a record type that its dataset's contract version does not have (a caller's mistake). */
export class RecordKindError extends Error {
  override readonly name = 'RecordKindError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
