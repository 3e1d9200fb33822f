/** Errors of the margin-ledger replay. */

/** A margin event the replay cannot apply (a field the contract requires is missing or unreadable). */
export class MarginLedgerError extends Error {
  override readonly name = 'MarginLedgerError';
  readonly eventId: string;

  constructor(eventId: string, message: string, options?: { cause?: unknown }) {
    super(`margin event ${eventId}: ${message}`, options);
    this.eventId = eventId;
  }
}
