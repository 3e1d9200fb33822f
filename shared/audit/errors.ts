/** Errors of the order-flow auditor. */
import { VatpAuditError } from '../errors.js';

/**
 * A checkpoint cannot be taken or loaded: a rule keeps state but cannot save it, or the checkpoint was taken by an
 * auditor with another rule list or format version. Never a finding: a partition that cannot carry its state over
 * must fail, not go on with a partial state.
 */
export class CheckpointError extends VatpAuditError {
  override readonly name = 'CheckpointError';
}
