/** Errors of the order-book replay. They signal a broken internal invariant (a bug), never bad input data. */
import { VatpAuditError } from '../errors.js';

export class ReplayInvariantError extends VatpAuditError {
  override readonly name = 'ReplayInvariantError';
}
