/**
 * Classifies the listed files of a dataset (DATA-CONTRACT layout). Nothing is dropped silently:
 * - a file under a record folder (at any depth, e.g. `orders/hour=01/part-1.jsonl`) with a supported extension
 *   (`.jsonl`, `.csv`, `.jsonl.gz`, `.csv.gz`, matched case-sensitively as the contract writes them) is read as that
 *   folder's record type;
 * - a non-empty file under a record folder with any other extension is `unsupported`: one DQ-1 at `path:1`
 *   ("unsupported file format"), since it may hold records that the audit cannot read; an empty one holds no
 *   record and is only listed as ignored;
 * - `manifest.json` at the root is the manifest; every other file (outside the record folders) is `ignored`.
 * Every file of every class is an input of the run (hashed and listed in the evidence manifest).
 */
import { RECORD_TYPES, type RecordType } from '../contract/records.js';
import type { QuarantineEntry } from './readRecords.js';
import type { SourceFile } from './source.js';

export type FileFormat = 'jsonl' | 'csv' | 'jsonl.gz' | 'csv.gz';
export const FILE_FORMATS: readonly FileFormat[] = ['jsonl.gz', 'csv.gz', 'jsonl', 'csv'];

export interface DataFile<K extends RecordType = RecordType> extends SourceFile {
  record_type: K;
  format: FileFormat;
}

export interface DatasetLayout {
  /** Every listed file, in path byte order. */
  files: SourceFile[];
  manifest: SourceFile | null;
  /** Readable record files per record type, in path byte order. */
  records: { [K in RecordType]: DataFile<K>[] };
  /** Non-empty files in a record folder whose extension is not a supported format (DQ-1 each). */
  unsupported: (SourceFile & { record_type: RecordType })[];
  /** Files outside record folders (other than manifest.json) and empty unsupported files: hashed, not read. */
  ignored: SourceFile[];
  /** An `access/` folder holding at least one file (an empty folder cannot be seen on S3, so it counts as absent). */
  hasAccessFolder: boolean;
}

const TYPES = new Set<string>(RECORD_TYPES);

export function formatOf(path: string): FileFormat | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (const f of FILE_FORMATS) {
    // A bare ".jsonl" (nothing before the extension) is still a file of that format.
    if (name.endsWith(`.${f}`)) return f;
  }
  return null;
}

export function recordTypeOf(path: string): RecordType | null {
  const slash = path.indexOf('/');
  if (slash <= 0) return null;
  const folder = path.slice(0, slash);
  return TYPES.has(folder) ? (folder as RecordType) : null;
}

export function classifyLayout(files: readonly SourceFile[]): DatasetLayout {
  const records = Object.fromEntries(RECORD_TYPES.map((t) => [t, [] as DataFile[]])) as DatasetLayout['records'];
  const layout: DatasetLayout = {
    files: [...files],
    manifest: null,
    records,
    unsupported: [],
    ignored: [],
    hasAccessFolder: false,
  };
  for (const f of files) {
    if (f.path === 'manifest.json') {
      layout.manifest = f;
      continue;
    }
    const type = recordTypeOf(f.path);
    if (type === null) {
      layout.ignored.push(f);
      continue;
    }
    if (type === 'access') layout.hasAccessFolder = true;
    const format = formatOf(f.path);
    if (format !== null) (records[type] as DataFile[]).push({ ...f, record_type: type, format });
    else if (f.size > 0) layout.unsupported.push({ ...f, record_type: type });
    else layout.ignored.push(f);
  }
  return layout;
}

/** Whether the dataset has an access log folder (FS-4 / FS-5 scope). */
export function hasAccessFolder(layout: DatasetLayout): boolean {
  return layout.hasAccessFolder;
}

/** The DQ-1 entry for a file whose format cannot be read. */
export function unsupportedFileEntry(f: SourceFile & { record_type: RecordType }): QuarantineEntry {
  return {
    file: f.path,
    line: 1,
    record_type: f.record_type,
    reason: 'unsupported file format (expected .jsonl, .csv, .jsonl.gz or .csv.gz); the file was not read',
    raw: '',
    scope: 'file',
  };
}
