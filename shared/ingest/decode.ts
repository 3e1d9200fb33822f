/**
 * The accept/reject decision for one JSONL line or one CSV row of a record file, shared by the reader (readRecords)
 * and by the order pre-scan of the external sort, so both decide alike: the fast parser first (event types), then
 * the plain path (JSON.parse or csvRowToJson, then the zod schema), which accepts or says why not.
 */
import { describeIssues, jsonKind } from '../contract/reasons.js';
import { csvRowToJson, RECORD_SCHEMAS, type RecordType } from '../contract/records.js';
import { fastCsvBuilder, fastJsonParser } from './fastParse.js';

/** Why a record fails the data contract (the DQ-1 reason); records themselves are plain objects. */
export class Rejected {
  constructor(readonly reason: string) {}
}

export type Decoded = Record<string, unknown> | Rejected;

function validate(type: RecordType): (obj: unknown) => Decoded {
  const schema = RECORD_SCHEMAS[type];
  return (obj) => {
    const r = schema.safeParse(obj);
    return r.success ? (r.data as Record<string, unknown>) : new Rejected(describeIssues(r.error, obj));
  };
}

/** Decides one non-blank JSONL line. `fast: false` runs the plain path only. */
export function jsonLineDecoder(type: RecordType, fast: boolean): (text: string) => Decoded {
  const parseFast = fast ? fastJsonParser(type) : null;
  const check = validate(type);
  return (text) => {
    if (parseFast !== null) {
      const rec = parseFast(text);
      if (rec !== undefined) return rec;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (error) {
      return new Rejected(jsonSyntaxReason(error as Error, text));
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return new Rejected(`not a JSON object but ${jsonKind(obj)}`);
    }
    return check(obj);
  };
}

/** Decides one CSV row of as many cells as the header. */
export function csvRowDecoder(
  type: RecordType,
  header: readonly string[],
  fast: boolean,
): (cells: readonly string[]) => Decoded {
  const build = fast ? fastCsvBuilder(type, header) : null;
  const check = validate(type);
  return (cells) => {
    if (build !== null) {
      const rec = build(cells);
      if (rec !== undefined) return rec;
    }
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i]!] = cells[i]!;
    return check(csvRowToJson(type, row));
  };
}

/** JSON.parse's complaint in plain words: where the line stops being JSON (its messages vary between Node versions). */
export function jsonSyntaxReason(error: Error, text: string): string {
  const at = /position (\d+)/.exec(error.message);
  if (at !== null && Number(at[1]) < text.trimEnd().length) {
    return `not valid JSON: it breaks off at character ${Number(at[1]) + 1}`;
  }
  if (at !== null || /end of (JSON )?input/i.test(error.message))
    return 'not valid JSON: the line ends before the JSON does';
  const token = /Unexpected token '?(.)'?/.exec(error.message);
  return token !== null ? `not valid JSON: unexpected ${JSON.stringify(token[1])}` : 'not valid JSON';
}
