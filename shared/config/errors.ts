/** Errors of the audit parameters (`--config`, the Lambdas' VATP_AUDIT_PARAMETERS). */
import { VatpAuditUsageError } from '../errors.js';

/** The parameters cannot be read or break their schema: exit 2, naming the file and the field. */
export class ConfigError extends VatpAuditUsageError {
  override readonly name = 'ConfigError';
}
