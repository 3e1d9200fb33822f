/**
 * Where vatp-audit keeps local data — the embedded S3 and DynamoDB, the local signing key, the demo dataset, the
 * bench cache: one per-user folder, `VATP_AUDIT_HOME`, by default `.vatp-audit` in the user's home, whatever the
 * current folder. A store opened from another folder is the same store, not a new empty one.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const DATA_HOME_VARIABLE = 'VATP_AUDIT_HOME';

/** The data home: VATP_AUDIT_HOME (a relative path is taken from the current folder), else ~/.vatp-audit. */
export function dataHome(env: Record<string, string | undefined> = process.env, home: () => string = homedir): string {
  const given = env[DATA_HOME_VARIABLE];
  if (given !== undefined && given.trim() !== '') return resolve(given);
  return join(home(), '.vatp-audit');
}

/** The local signing key inside a data home (`--signing-key` overrides it). */
export function localSigningKeyPath(home: string): string {
  return join(home, 'signing-key.pem');
}
