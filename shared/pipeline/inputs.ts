/**
 * The run's inputs: every listed file is hashed before anything is judged (so run_id is known up front), and its
 * read statistics are booked as the streams read it. Hashes taken while reading must equal the up-front ones: a file
 * that changed during the run makes the run fail rather than report on data it did not hash.
 */
import { createHash } from 'node:crypto';
import type { DataFile, DatasetLayout } from '../ingest/layout.js';
import { countLineFeeds } from '../ingest/lines.js';
import type { FileStats, QuarantineEntry } from '../ingest/readRecords.js';
import type { DatasetSource, SourceFile } from '../ingest/source.js';
import { seqOrderScanner } from '../ordering/seqOrderScan.js';
import { RunFailedError } from './errors.js';
import type { InputFileSummary } from './summary.js';

export interface InputHash {
  path: string;
  sha256: string;
  bytes: number;
}

/** Every file's SHA-256 and size, in one read each. */
export async function hashInputs(
  source: DatasetSource,
  files: readonly SourceFile[],
  onBytes?: (n: number) => void,
): Promise<InputHash[]> {
  return (await hashAndScanInputs(source, files, new Map(), onBytes)).hashes;
}

/**
 * hashInputs, with the seq-order pre-scan (seqOrderScan.ts) of the event record files folded into the same read: one
 * read per file gives its SHA-256 and, for the files in `scan`, whether it is certainly in seq order and how many
 * lines it has (the estimate of its records that progress bars start from; for a gzipped file only when the scan
 * decompressed all of it, i.e. the file is in order). The verdicts go
 * to readOrderedBatches (OrderedStreamOptions.inOrder); the merge re-checks the order and the reading re-hashes every
 * file, so a file that changes after this read still fails the run (FileStatsBook.assertHashesStable).
 */
export async function hashAndScanInputs(
  source: DatasetSource,
  files: readonly SourceFile[],
  scan: ReadonlyMap<string, DataFile>,
  onBytes?: (n: number) => void,
): Promise<{ hashes: InputHash[]; inOrder: Map<string, boolean>; lines: Map<string, number> }> {
  const hashes: InputHash[] = [];
  const inOrder = new Map<string, boolean>();
  const lines = new Map<string, number>();
  for (const f of files) {
    const h = createHash('sha256');
    let bytes = 0;
    const dataFile = scan.get(f.path);
    const scanner = dataFile === undefined ? null : seqOrderScanner(dataFile);
    let scanning = scanner !== null;
    const plain = dataFile !== undefined && !dataFile.format.endsWith('.gz');
    let lineFeeds = 0;
    const stream = await source.open(f.path);
    try {
      for await (const chunk of stream) {
        const b = chunk as Buffer;
        h.update(b);
        bytes += b.length;
        onBytes?.(b.length);
        if (plain) lineFeeds += countLineFeeds(b);
        if (scanning) scanning = await scanner!.push(b);
      }
      if (scanner !== null) {
        const ordered = scanning && (await scanner.end());
        inOrder.set(f.path, ordered);
        if (plain) lines.set(f.path, lineFeeds);
        else if (ordered) lines.set(f.path, scanner.lineFeeds);
      }
    } finally {
      scanner?.destroy();
    }
    hashes.push({ path: f.path, sha256: h.digest('hex'), bytes });
  }
  return { hashes, inOrder, lines };
}

export class FileStatsBook {
  readonly #files = new Map<string, InputFileSummary>();

  constructor(hashes: readonly InputHash[], layout: DatasetLayout) {
    const typed = new Map<string, { record_type: string; format: string }>();
    for (const list of Object.values(layout.records)) for (const f of list) typed.set(f.path, f);
    const unsupported = new Set(layout.unsupported.map((f) => f.path));
    for (const h of hashes) {
      const t = typed.get(h.path);
      const unsupportedType = layout.unsupported.find((u) => u.path === h.path)?.record_type ?? null;
      this.#files.set(h.path, {
        path: h.path,
        record_type: t?.record_type ?? unsupportedType,
        format: t?.format ?? null,
        bytes: h.bytes,
        sha256: h.sha256,
        records: 0,
        accepted: 0,
        quarantined: 0,
        fault: null,
        ...(t === undefined
          ? {
              note: unsupported.has(h.path)
                ? 'unsupported file format in a record folder (DQ-1)'
                : h.path === 'manifest.json'
                  ? 'dataset manifest'
                  : 'outside the record folders: hashed, not read',
            }
          : {}),
      });
    }
  }

  /** A non-empty file in a record folder that the audit cannot read: one quarantined record at line 1. */
  unsupported(f: SourceFile, entry: QuarantineEntry, onQuarantine: (q: QuarantineEntry) => void): void {
    const s = this.#files.get(f.path);
    if (s !== undefined) s.fault = entry.reason;
    onQuarantine(entry);
  }

  record(stats: FileStats): void {
    const s = this.#files.get(stats.path);
    if (s === undefined) return;
    s.records = stats.records;
    s.accepted = stats.accepted;
    s.quarantined = stats.quarantined;
    s.fault = stats.fault;
    if (stats.sha256 !== s.sha256 && stats.fault === null) {
      this.#changed.push(stats.path);
    }
  }

  readonly #changed: string[] = [];

  recorder(): (stats: FileStats) => void {
    return (stats) => this.record(stats);
  }

  assertHashesStable(): void {
    if (this.#changed.length > 0) {
      throw new RunFailedError(
        `input files changed while the run read them: ${this.#changed.slice(0, 5).join(', ')}; rerun on a stable copy`,
      );
    }
  }

  summaries(): InputFileSummary[] {
    return [...this.#files.values()];
  }
}
