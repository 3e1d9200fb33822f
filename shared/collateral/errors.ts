/** Errors of the collateral-ledger replay. */
import { VatpAuditError } from '../errors.js';

/** A collateral event the ledger cannot apply (a field the contract requires is missing or unreadable). */
export class CollateralLedgerError extends VatpAuditError {
  override readonly name = 'CollateralLedgerError';
  readonly eventId: string;

  constructor(eventId: string, message: string, options?: { cause?: unknown }) {
    super(`collateral event ${eventId}: ${message}`, options);
    this.eventId = eventId;
  }
}
