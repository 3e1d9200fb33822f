/** Errors of the benchmarks. */
import { VatpAuditError, VatpAuditUsageError } from '../errors.js';

/** An unusable benchmark option: exit 2. */
export class BenchOptionsError extends VatpAuditUsageError {
  override readonly name = 'BenchOptionsError';
}

/** A benchmark run failed or gave a result that contradicts another run (e.g. a different findings digest). */
export class BenchError extends VatpAuditError {
  override readonly name = 'BenchError';
}
