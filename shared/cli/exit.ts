/**
 * The one place where an error that ends a command becomes an exit code and a message (OUTPUT.md): 2 for unusable
 * arguments, configuration or manifest (a VatpAuditError with exitCode 2, or commander's own argument errors), 1 for
 * everything else. The user sees one line; the stack trace (and the chain of causes) only with VATP_AUDIT_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { EXIT_FAILURE, EXIT_USAGE, VatpAuditError } from '../errors.js';

export const DEBUG_VARIABLE = 'VATP_AUDIT_DEBUG';

/** VATP_AUDIT_DEBUG set to anything but '', '0' or 'false'. */
export function debugEnabled(env: Record<string, string | undefined>): boolean {
  const v = env[DEBUG_VARIABLE]?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof VatpAuditError) return error.exitCode;
  // --help and --version end with commander's code 0; its argument errors are usage errors.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The error's message on one line; errors of other libraries keep their name ("ValidationException: …"). */
export function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).replace(/\s*\n\s*/g, ' ');
  const own = error instanceof VatpAuditError || error.name === 'Error' || error.name === '';
  const text = own ? error.message : `${error.name}: ${error.message}`;
  return text.replace(/\s*\n\s*/g, ' ').trim() || error.name;
}

/**
 * Reports the error that ended `command` on `err` and returns the exit code. Commander has already printed its own
 * argument errors, so they add nothing here.
 */
export function reportCommandError(
  error: unknown,
  command: string,
  err: (line: string) => void,
  opts: { debug: boolean },
): number {
  const code = exitCodeOf(error);
  if (error instanceof CommanderError) return code;
  const who = command === '' ? 'vatp-audit' : `vatp-audit ${command}`;
  err(code === EXIT_USAGE ? `${who}: ${oneLine(error)}` : `${who} failed: ${oneLine(error)}`);
  if (opts.debug) {
    for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; depth++) {
      err(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
      e = e instanceof Error ? e.cause : undefined;
      if (e !== undefined) err('caused by:');
    }
  }
  return code;
}
