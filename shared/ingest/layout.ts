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
 *
 * The record folders are those of the manifest's contract version: `venues/`, `margin/` and `settlements/` are record
 * folders of a contract-2 dataset only; in a contract-1 dataset they are folders like any other unknown one (their
 * files are hashed and listed as ignored), so a contract-1 dataset is read exactly as before contract 2 existed.
 */
import { type ContractVersion, RECORD_TYPES, type RecordType, recordTypesOf } from '../contract/records.js';
import { EVENT_STREAMS } from '../contract/streams.js';
import type { QuarantineEntry } from './readRecords.js';
import type { SourceFile } from './source.js';

export type FileFormat = 'jsonl' | 'csv' | 'jsonl.gz' | 'csv.gz';
export const FILE_FORMATS: readonly FileFormat[] = ['jsonl.gz', 'csv.gz', 'jsonl', 'csv'];

export interface DataFile<K extends RecordType = RecordType> extends SourceFile {
  record_type: K;
  format: FileFormat;
  /** The dataset's contract version: which schema its records are read with. */
  contract: ContractVersion;
}

/** The record types read as ordered event streams (their own `seq`); the others are reference data. */
export const EVENT_RECORD_TYPES = EVENT_STREAMS.flatMap((s) => s.records);

export interface DatasetLayout {
  /** The manifest's contract version. */
  contract: ContractVersion;
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
  /**
   * The record folders holding at least one file (of any extension, empty or not), in RECORD_TYPES order: a folder
   * of the contract absent from this list is absent from the dataset (its checks report "not tested").
   */
  folders: RecordType[];
}

export function formatOf(path: string): FileFormat | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (const f of FILE_FORMATS) {
    // A bare ".jsonl" (nothing before the extension) is still a file of that format.
    if (name.endsWith(`.${f}`)) return f;
  }
  return null;
}

/** The record folder a path is in under this contract version, or null (the root, or any other folder). */
export function recordTypeOf(path: string, contract: ContractVersion): RecordType | null {
  const slash = path.indexOf('/');
  if (slash <= 0) return null;
  const folder = path.slice(0, slash);
  return (recordTypesOf(contract) as readonly string[]).includes(folder) ? (folder as RecordType) : null;
}

/** Classifies the listed files of a dataset whose manifest names this contract version. */
export function classifyLayout(files: readonly SourceFile[], contract: ContractVersion): DatasetLayout {
  const records = Object.fromEntries(RECORD_TYPES.map((t) => [t, [] as DataFile[]])) as DatasetLayout['records'];
  const seen = new Set<RecordType>();
  const layout: DatasetLayout = {
    contract,
    files: [...files],
    manifest: null,
    records,
    unsupported: [],
    ignored: [],
    hasAccessFolder: false,
    folders: [],
  };
  for (const f of files) {
    if (f.path === 'manifest.json') {
      layout.manifest = f;
      continue;
    }
    const type = recordTypeOf(f.path, contract);
    if (type === null) {
      layout.ignored.push(f);
      continue;
    }
    seen.add(type);
    if (type === 'access') layout.hasAccessFolder = true;
    const format = formatOf(f.path);
    if (format !== null) (records[type] as DataFile[]).push({ ...f, record_type: type, format, contract });
    else if (f.size > 0) layout.unsupported.push({ ...f, record_type: type });
    else layout.ignored.push(f);
  }
  layout.folders = RECORD_TYPES.filter((t) => seen.has(t));
  return layout;
}

/** The event record files of the layout (every ordered stream's), by path: what the seq-order pre-scan reads. */
export function eventFiles(layout: DatasetLayout): Map<string, DataFile> {
  const out = new Map<string, DataFile>();
  for (const t of EVENT_RECORD_TYPES) {
    for (const f of layout.records[t] as DataFile[]) out.set(f.path, f);
  }
  return out;
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
