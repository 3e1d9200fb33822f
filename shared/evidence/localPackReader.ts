/**
 * Reading an evidence pack, or re-hashing a dataset, in a local folder without starting anything else. Names are
 * relative and `/`-separated; a name that could leave the folder (`..`, absolute, backslash) is refused.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { EvidenceError } from './errors.js';
import type { PackReader, VerifyOptions } from './verify.js';
import { isSafeRelativeName } from './verify.js';

function pathIn(root: string, name: string): string {
  if (!isSafeRelativeName(name)) throw new EvidenceError(`${JSON.stringify(name)} is not a plain relative name`);
  const path = resolve(root, ...name.split('/'));
  if (!path.startsWith(root + sep)) throw new EvidenceError(`${JSON.stringify(name)} leaves ${root}`);
  return path;
}

/** Every file under `root`, relative with `/`, sorted by byte order. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (cause) {
      throw new EvidenceError(`cannot list ${dir}: ${(cause as Error).message}`, { cause });
    }
    for (const e of entries) {
      const name = prefix === '' ? e.name : `${prefix}/${e.name}`;
      if (e.isDirectory()) await walk(join(dir, e.name), name);
      else out.push(name);
    }
  };
  await walk(root, '');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export async function openLocalPackReader(dir: string): Promise<PackReader> {
  const root = resolve(dir);
  const s = await stat(root).catch((cause: unknown) => {
    throw new EvidenceError(`evidence pack ${dir} cannot be opened: ${(cause as Error).message}`, { cause });
  });
  if (!s.isDirectory()) throw new EvidenceError(`evidence pack ${dir} is not a folder`);
  return {
    read: async (name) => readFile(pathIn(root, name)),
    list: () => listFiles(root),
  };
}

/** Streams and hashes files of a dataset root for `verify --inputs` (memory stays flat for gigabyte inputs). */
export function localInputDigests(dir: string): NonNullable<VerifyOptions['inputs']> {
  const root = resolve(dir);
  return {
    async digest(path) {
      const file = pathIn(root, path);
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        for await (const chunk of createReadStream(file)) {
          hash.update(chunk as Buffer);
          bytes += (chunk as Buffer).length;
        }
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new EvidenceError(`cannot read input ${path}: ${(cause as Error).message}`, { cause });
      }
      return { sha256: hash.digest('hex'), bytes };
    },
  };
}
