/** Errors of the embedded local stack. */
import { VatpAuditError } from '../errors.js';

export class EmbeddedStackError extends VatpAuditError {
  override readonly name: string = 'EmbeddedStackError';
}

/** Another process already serves this data directory (two dynalite servers on one LevelDB path crash). */
export class EmbeddedStackBusyError extends EmbeddedStackError {
  override readonly name = 'EmbeddedStackBusyError';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    readonly lockPath: string,
  ) {
    super(
      `the local data directory ${dataDir} is in use by process ${ownerPid}; wait for it to finish, or delete ${lockPath} if no vatp-audit process is running`,
    );
  }
}
