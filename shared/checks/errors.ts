/** Errors of the checks catalogue and runner. A rule that throws on a record is a finding, not one of these. */
import { VatpAuditError } from '../errors.js';

/** A check id that is not in the catalogue (a bug in a rule or in the rule pack). */
export class UnknownCheckError extends VatpAuditError {
  override readonly name = 'UnknownCheckError';
  constructor(readonly checkId: string) {
    super(`unknown check id ${checkId}`);
  }
}
