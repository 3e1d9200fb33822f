/** Errors of record ordering: the run cannot go on (exit 1), the data is not at fault. */
import { VatpAuditError } from '../errors.js';

export class OrderingError extends VatpAuditError {
  override readonly name: string = 'OrderingError';
}

/**
 * An error thrown in an ordered-stream worker, rebuilt on the consuming thread with the worker error's name, message
 * and exit code (the classes callers tell apart are rebuilt as themselves: readOrderedStream.ts).
 */
export class OrderingWorkerError extends OrderingError {
  override readonly name: string;
  override readonly exitCode: number;
  constructor(name: string, message: string, exitCode: number) {
    super(message);
    this.name = name;
    this.exitCode = exitCode;
  }
}
