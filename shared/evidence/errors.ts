/** Errors of the evidence pack: signing keys and manifests. A failed verification is a result, not an error. */
import { EXIT_USAGE, VatpAuditError } from '../errors.js';

export class EvidenceError extends VatpAuditError {
  override readonly name: string = 'EvidenceError';
}

/** The signing key is unusable (unreadable, not a P-256 private key, a KMS key of another spec): exit 2. */
export class SigningKeyError extends EvidenceError {
  override readonly name = 'SigningKeyError';
  override readonly exitCode: number = EXIT_USAGE;
}
