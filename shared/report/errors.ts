/** Errors of the report area. */
export class ReportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportError';
  }
}

/** The report's font files could not be found or read. */
export class ReportFontError extends ReportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportFontError';
  }
}
