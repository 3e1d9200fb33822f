/** Writing hand-made datasets: JSON Lines text, and a dataset folder started with its manifest. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContractVersion } from '#shared/contract/records.js';

export const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

/**
 * Writes the manifest of a dataset of venue HKVX (operator E-OP, 12 Feb 2026) under `root`; returns how to put a file
 * at a path relative to the root (its folders are created).
 */
export async function startDataset(
  root: string,
  contract: ContractVersion,
): Promise<(path: string, text: string) => Promise<void>> {
  const put = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  };
  await put(
    'manifest.json',
    JSON.stringify({
      contract,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    }),
  );
  return put;
}
