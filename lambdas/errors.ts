/** Errors of the Lambda handlers. Step Functions sees each by its `name`. */
import { VatpAuditError } from '#shared/errors.js';

/** The function's environment (set by the CDK stack) is unusable: a deployment fault, never retried. */
export class LambdaConfigError extends VatpAuditError {
  override readonly name = 'LambdaConfigError';
}
