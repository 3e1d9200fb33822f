/** Errors of the AWS client configuration. */
import { VatpAuditUsageError } from '../../errors.js';

/** The AWS settings in the environment are unusable: exit 2 (fix the setting). */
export class AwsConfigError extends VatpAuditUsageError {
  override readonly name = 'AwsConfigError';
}
