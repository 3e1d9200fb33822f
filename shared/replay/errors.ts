/** Errors of the order-book replay. They signal a broken internal invariant (a bug), never bad input data. */
export class ReplayInvariantError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayInvariantError';
  }
}
