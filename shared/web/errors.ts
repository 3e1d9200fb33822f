/**
 * Errors of the workbench. Each carries the HTTP status and a message that is safe to show (it names what was asked
 * for, never internals); anything else becomes a 500 page with an id, its details only in the log.
 */
import { VatpAuditError } from '../errors.js';

export class WebError extends VatpAuditError {
  override readonly name: string = 'WebError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 500 | 503,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The request asks for something that does not exist. */
export class NotFoundError extends WebError {
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super(404, message);
  }
}

/** The signed-in person's role does not allow the action (checked on the server, whatever the page showed). */
export class ForbiddenError extends WebError {
  override readonly name = 'ForbiddenError';
  constructor(message: string) {
    super(403, message);
  }
}

/** A form or query the workbench cannot use; the message says which field and why. */
export class BadRequestError extends WebError {
  override readonly name = 'BadRequestError';
  constructor(message: string) {
    super(400, message);
  }
}

/** The workbench's deployment is unusable (its Lambda environment, its static files missing): a fault, exit 1. */
export class WorkbenchConfigError extends VatpAuditError {
  override readonly name = 'WorkbenchConfigError';
}
