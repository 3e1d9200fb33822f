/**
 * Why a record fails the data contract, in plain words that name the field and the value: "missing field qty",
 * "price is not a decimal: 1,5", "ts is not an RFC 3339 UTC timestamp: 2026-02-12 03:00", "unknown event: foo". These
 * are the DQ-1 reasons a reviewer reads in quarantine.jsonl and the report, so they never quote a library's message.
 *
 * The value schemas of records.ts word their own problems (`is not a decimal: …`); describeIssues adds the field, and
 * words the two cases a schema cannot: a field that is absent (or null, the same thing in the contract) and a value
 * outside an enumeration.
 */
import type { z } from 'zod';

/** Characters of a value quoted in a reason (the raw record is kept whole in quarantine.jsonl). */
const SHOWN_CHARS = 40;

/**
 * A JSON value as a reason quotes it: text as written (cut after 40 characters; in quotes when empty or when spaces or
 * control characters at its ends would not show), other JSON types named ("1.5 (a JSON number)").
 */
export function shownValue(v: unknown): string {
  if (typeof v === 'string') {
    const cut = v.length > SHOWN_CHARS ? `${v.slice(0, SHOWN_CHARS)}…` : v;
    return cut === '' || /^\s|\s$/.test(cut) || hasControl(cut) ? JSON.stringify(cut) : cut;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return `${String(v)} (a JSON ${typeof v})`;
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  return Array.isArray(v) ? 'a list' : 'an object';
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** What kind of JSON value this is: "a list", "text", "null". */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return 'text';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Reasons a record quotes at most. */
const REASONS = 5;

/**
 * The issues of a record's failed parse as one reason ("; "-separated, the first five). Missing fields that fail for
 * the same cause are named together: "missing fields asset, qty (a 'pledge' event needs them)".
 */
export function describeIssues(error: z.ZodError, input: unknown): string {
  // A reason, or the cause of a group of missing fields (named where the group's first field failed).
  const out: (string | { missingBecause: string })[] = [];
  const missing = new Map<string, string[]>();
  for (const i of error.issues) {
    const field = i.path.map(String).join('.');
    const value = valueAt(input, i.path);
    if (field !== '' && (value === undefined || value === null)) {
      const because = i.code === 'custom' ? i.message : '';
      const fields = missing.get(because);
      if (fields !== undefined) fields.push(field);
      else {
        missing.set(because, [field]);
        out.push({ missingBecause: because });
      }
    } else if (field === '') out.push(i.message);
    else if (i.code === 'invalid_value' && i.values.length > 1) out.push(`unknown ${field}: ${shownValue(value)}`);
    else out.push(`${field} ${i.message}`);
  }
  return out
    .slice(0, REASONS)
    .map((r) => {
      if (typeof r === 'string') return r;
      const fields = missing.get(r.missingBecause)!;
      const one = fields.length === 1;
      const named = `missing field${one ? '' : 's'} ${fields.join(', ')}`;
      if (r.missingBecause === '') return named;
      return `${named} (${one ? r.missingBecause : r.missingBecause.replace(/ needs it$/, ' needs them')})`;
    })
    .join('; ');
}
