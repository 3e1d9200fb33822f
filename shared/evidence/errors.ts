/** Errors of the evidence pack: signing keys and manifests. A failed verification is a result, not an error. */
export class EvidenceError extends Error {
  override readonly name: string = 'EvidenceError';
}

export class SigningKeyError extends EvidenceError {
  override readonly name = 'SigningKeyError';
}
