/**
 * Bench datasets: made with the project's generator and cached under one folder by seed, size, format and order, so
 * that later runs (and comparisons over time) read the very same bytes. A dataset counts as cached only when its
 * marker file (`<name>.json` beside the folder, so the dataset holds nothing the audit would hash), written last,
 * matches the options; an interrupted generation is made again.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GenerationSummary, generateDataset } from '../generator/index.js';

/** Bumped when the bench needs datasets made differently. */
const CACHE_VERSION = 1;

export type BenchFormat = 'jsonl' | 'csv';

export interface DatasetSpec {
  seed: number;
  orders: number;
  format: BenchFormat;
  shuffle: boolean;
}

export interface BenchDataset {
  spec: DatasetSpec;
  root: string;
  name: string;
  counts: GenerationSummary['counts'];
  /** Seconds spent generating it in this run; null when it came from the cache. */
  generatedSeconds: number | null;
}

export function datasetName(spec: DatasetSpec): string {
  return `seed${spec.seed}-orders${spec.orders}-${spec.format}-${spec.shuffle ? 'shuffled' : 'sorted'}`;
}

interface Marker {
  cacheVersion: number;
  spec: DatasetSpec;
  summary: GenerationSummary;
}

/** The dataset for spec under cacheDir: reused when cached, generated otherwise. */
export async function ensureDataset(
  cacheDir: string,
  spec: DatasetSpec,
  opts: { regenerate?: boolean; log?: (line: string) => void } = {},
): Promise<BenchDataset> {
  const name = datasetName(spec);
  const root = join(cacheDir, name);
  if (opts.regenerate !== true) {
    const marker = await readMarker(`${root}.json`);
    if (
      marker !== undefined &&
      marker.cacheVersion === CACHE_VERSION &&
      JSON.stringify(marker.spec) === JSON.stringify(spec)
    ) {
      return { spec, root, name, counts: marker.summary.counts, generatedSeconds: null };
    }
  }
  opts.log?.(`generating ${name} …`);
  await rm(`${root}.json`, { force: true });
  await rm(root, { recursive: true, force: true });
  const t0 = performance.now();
  const summary = await generateDataset({
    out: root,
    seed: spec.seed,
    orders: spec.orders,
    format: spec.format,
    shuffle: spec.shuffle,
  });
  const generatedSeconds = (performance.now() - t0) / 1000;
  const marker: Marker = { cacheVersion: CACHE_VERSION, spec, summary };
  await writeFile(`${root}.json`, `${JSON.stringify(marker, null, 2)}\n`);
  return { spec, root, name, counts: summary.counts, generatedSeconds };
}

async function readMarker(path: string): Promise<Marker | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}
