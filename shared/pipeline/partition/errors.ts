/** Errors of the partitioned (Step Functions) pipeline. */

/** The work area holds something this step cannot use (missing or malformed intermediate file). */
export class WorkAreaError extends Error {
  override readonly name = 'WorkAreaError';
}

/** A step's input (state payload or trigger event) is unusable. */
export class StepInputError extends Error {
  override readonly name = 'StepInputError';
}

/** The partitioned run cannot reproduce the single-process run (a broken invariant: never silently). */
export class PartitionInvariantError extends Error {
  override readonly name = 'PartitionInvariantError';
}
