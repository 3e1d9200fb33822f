/** Errors of record ordering: the run cannot go on (exit 1), the data is not at fault. */
export class OrderingError extends Error {
  override readonly name = 'OrderingError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
