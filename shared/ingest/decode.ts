/**
 * The accept/reject decision for one JSONL line or one CSV row of a record file, shared by the reader (readRecords)
 * and by the order pre-scan of the external sort, so both decide alike: the fast parser first (event types), then
 * the plain path (JSON.parse or csvRowToJson, then the zod schema), which accepts or says why not. The schema is the
 * record type's under the dataset's contract version (recordsV2.ts schemaFor).
 */
import { describeIssues, jsonKind } from '../contract/reasons.js';
import type { ContractVersion, RecordType } from '../contract/records.js';
import { csvRowToJson } from '../contract/records.js';
import { schemaFor } from '../contract/recordsV2.js';
import { RecordKindError } from './errors.js';
import { fastCsvBuilder, fastJsonParser } from './fastParse.js';

/** Why a record fails the data contract (the DQ-1 reason); records themselves are plain objects. */
export class Rejected {
  constructor(readonly reason: string) {}
}

export type Decoded = Record<string, unknown> | Rejected;

/** What a record file is read as: its record type under its dataset's contract version. */
export interface RecordKind {
  record_type: RecordType;
  contract: ContractVersion;
}

function validate(kind: RecordKind): (obj: unknown) => Decoded {
  const schema = schemaFor(kind.record_type, kind.contract);
  if (schema === undefined) {
    throw new RecordKindError(`${kind.record_type} is not a record folder of data contract ${kind.contract}`);
  }
  return (obj) => {
    const r = schema.safeParse(obj);
    return r.success ? (r.data as Record<string, unknown>) : new Rejected(describeIssues(r.error, obj));
  };
}

/** Decides one non-blank JSONL line. `fast: false` runs the plain path only. */
export function jsonLineDecoder(kind: RecordKind, fast: boolean): (text: string) => Decoded {
  const parseFast = fast ? fastJsonParser(kind.record_type, kind.contract) : null;
  const check = validate(kind);
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
  kind: RecordKind,
  header: readonly string[],
  fast: boolean,
): (cells: readonly string[]) => Decoded {
  const build = fast ? fastCsvBuilder(kind.record_type, kind.contract, header) : null;
  const check = validate(kind);
  return (cells) => {
    if (build !== null) {
      const rec = build(cells);
      if (rec !== undefined) return rec;
    }
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i]!] = cells[i]!;
    return check(csvRowToJson(kind.record_type, row));
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
