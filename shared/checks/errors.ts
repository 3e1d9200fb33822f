/** Errors of the checks catalogue and the rule pack. A rule that throws on a record is a finding, not one of these. */
import { VatpAuditError } from '../errors.js';

/** A check id that is not in the catalogue (a bug in a rule or in the rule pack). */
export class UnknownCheckError extends VatpAuditError {
  override readonly name = 'UnknownCheckError';
  constructor(readonly checkId: string) {
    super(`unknown check id ${checkId}`);
  }
}

/** The pack, or a selection of it, cannot be built as declared (a rule's replay missing, an unknown check). */
export class RulePackError extends VatpAuditError {
  override readonly name = 'RulePackError';
}
