/** Errors of the findings collector. */
import { VatpAuditError } from '../errors.js';

/** The collector was used out of order (state loaded into a collector that already holds findings). */
export class CollectorStateError extends VatpAuditError {
  override readonly name = 'CollectorStateError';
}
