/** Errors of the AWS client configuration. */
export class AwsConfigError extends Error {
  override readonly name = 'AwsConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
