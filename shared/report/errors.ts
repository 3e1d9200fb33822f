/** Errors of the report area. */
import { VatpAuditError } from '../errors.js';

export class ReportError extends VatpAuditError {
  override readonly name: string = 'ReportError';
}

/** The report's font files could not be found or read. */
export class ReportFontError extends ReportError {
  override readonly name = 'ReportFontError';
}
