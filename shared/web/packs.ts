/**
 * Where the workbench finds a run's evidence pack, and what `verify` says of it. A run record does not name its pack
 * (the pack is a pure function of the inputs, written wherever `run --out` pointed), so packs are found by run_id:
 * at the evidence bucket's conventional place (`packs/venue=…/date=…/run=…/`, where remote and scheduled runs write),
 * or in local folders given to `serve --packs`, scanned for manifest.json files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PackReader, type VerifyResult, verifyEvidencePack } from '../evidence/verify.js';
import { defaultPackLocation } from '../pipeline/partition/triggerInput.js';
import type { RunRecord } from '../store/types.js';

export interface PackLocation {
  uri: string;
  reader: PackReader;
}

export interface PackLocator {
  locate(run: RunRecord): Promise<PackLocation | undefined>;
}

async function hasManifest(reader: PackReader): Promise<boolean> {
  try {
    await reader.read('manifest.json');
    return true;
  } catch {
    return false;
  }
}

/** The pack at the evidence bucket's conventional location of a run, when it is there. */
export function bucketPackLocator(evidenceBucket: string, openReader: (uri: string) => PackReader): PackLocator {
  return {
    async locate(run) {
      const uri = defaultPackLocation(evidenceBucket, {
        runId: run.run_id,
        venue: run.venue,
        periodStart: run.period_start,
      });
      const reader = openReader(uri);
      return (await hasManifest(reader)) ? { uri, reader } : undefined;
    },
  };
}

const SKIP_DIRS = new Set(['node_modules', '.git']);

/**
 * Packs under local folders: every folder holding a manifest.json whose run_id is a run's, up to `depth` levels
 * below each root (hidden folders and node_modules skipped). The scan is repeated for a run not found, at most
 * every `rescanMs`.
 */
export function folderPackLocator(
  roots: readonly string[],
  openReader: (dir: string) => PackReader,
  opts: { depth?: number; rescanMs?: number; clock?: () => number } = {},
): PackLocator {
  const depth = opts.depth ?? 3;
  const rescanMs = opts.rescanMs ?? 5_000;
  const clock = opts.clock ?? Date.now;
  let found = new Map<string, string>();
  let scannedAt = Number.NEGATIVE_INFINITY;
  let scanning: Promise<void> | undefined;

  const scan = async (): Promise<void> => {
    const next = new Map<string, string>();
    const walk = async (dir: string, level: number): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      if (entries.some((e) => e.isFile() && e.name === 'manifest.json')) {
        try {
          const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { run_id?: unknown };
          if (typeof m.run_id === 'string' && !next.has(m.run_id)) next.set(m.run_id, dir);
        } catch {
          // Not a pack's manifest: ignored.
        }
      }
      if (level >= depth) return;
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name))
          await walk(join(dir, e.name), level + 1);
      }
    };
    for (const root of roots) await walk(root, 0);
    found = next;
    scannedAt = clock();
  };

  return {
    async locate(run) {
      if (!found.has(run.run_id) && clock() - scannedAt >= rescanMs) {
        scanning ??= scan().finally(() => {
          scanning = undefined;
        });
        await scanning;
      }
      const dir = found.get(run.run_id);
      return dir === undefined ? undefined : { uri: dir, reader: openReader(dir) };
    },
  };
}

/** The first locator that finds the pack; a pack found is remembered (a run's pack does not move). */
export function firstPackLocator(locators: readonly PackLocator[]): PackLocator {
  const found = new Map<string, PackLocation>();
  return {
    async locate(run) {
      const known = found.get(run.run_id);
      if (known !== undefined) return known;
      for (const l of locators) {
        const location = await l.locate(run);
        if (location !== undefined) {
          found.set(run.run_id, location);
          return location;
        }
      }
      return undefined;
    },
  };
}

/**
 * `verify` results of packs, kept for a while per location (a pack is re-hashed whole: the runs page must not do that
 * for every run on every visit).
 */
export class VerifyCache {
  readonly #results = new Map<string, { at: number; result: Promise<VerifyResult> }>();
  constructor(
    private readonly clock: () => number,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** The result kept for this pack, if one is (without checking it again). */
  peek(pack: PackLocation): Promise<VerifyResult> | undefined {
    const hit = this.#results.get(pack.uri);
    return hit !== undefined && this.clock() - hit.at < this.ttlMs ? hit.result : undefined;
  }

  verify(pack: PackLocation): Promise<VerifyResult> {
    const now = this.clock();
    const hit = this.#results.get(pack.uri);
    if (hit !== undefined && now - hit.at < this.ttlMs) return hit.result;
    const result = verifyEvidencePack(pack.reader);
    this.#results.set(pack.uri, { at: now, result });
    result.catch(() => this.#results.delete(pack.uri));
    return result;
  }
}
