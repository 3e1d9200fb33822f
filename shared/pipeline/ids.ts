/**
 * Deterministic identifiers (OUTPUT.md). finding_id depends on what the finding is about (venue, period, check,
 * subject), never on the input bytes, so a rerun on corrected files updates the same finding and keeps its review
 * status. run_id depends on exactly what was audited and how: input hashes, parameters, rules version.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../contract/canonicalJson.js';

function digest(parts: readonly string[]): string {
  const h = createHash('sha256');
  // Length-prefixing keeps ("ab","c") and ("a","bc") apart.
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:${p};`);
  return h.digest('hex');
}

export interface PeriodKey {
  venue: string;
  period_start: string;
  period_end: string;
}

export function findingId(period: PeriodKey, checkId: string, subject: string): string {
  return `f-${digest(['finding', period.venue, period.period_start, period.period_end, checkId, subject]).slice(0, 32)}`;
}

export interface RunIdentity {
  inputs: readonly { path: string; sha256: string }[];
  parameters: unknown;
  rules_version: string;
}

export function runId(identity: RunIdentity): string {
  const inputs = [...identity.inputs].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return `r-${digest([
    'run',
    identity.rules_version,
    canonicalJson(identity.parameters),
    ...inputs.map((i) => `${i.path}=${i.sha256}`),
  ]).slice(0, 32)}`;
}
