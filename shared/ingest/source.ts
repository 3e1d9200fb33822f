/**
 * Where a dataset lives: the DatasetSource port, and its local-folder implementation (the S3 prefix is an adapter:
 * adapters/s3/datasetSource.ts). Both list every file under the root (recursively, in the byte order of their
 * relative paths) and open one file as a byte stream; everything else (formats, records) is the same for both.
 */
import { open as openFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { FileNotFoundError, SourceError, SourceReadError } from './errors.js';
import { comparePathBytes } from './pathOrder.js';

export interface SourceFile {
  /** Relative to the root, `/`-separated. */
  path: string;
  size: number;
}

export interface DatasetSource {
  readonly root: string;
  /** Every file under root, recursively, sorted by the byte order of `path`. */
  list(): Promise<SourceFile[]>;
  /** A stream of the file's bytes. Rejects with SourceReadError (notFound = true when the file does not exist). */
  open(path: string): Promise<Readable>;
}

/**
 * Bytes per read of a local file. Every file of a merge has reads in flight, and the records parsed from a chunk keep
 * its text alive (their strings are slices of it) until they are handed on, so the chunk size multiplies with the
 * number of files: small enough to keep that near a few MB, large enough that reads stay cheap.
 */
const READ_CHUNK = 64 << 10;

export class LocalDatasetSource implements DatasetSource {
  readonly root: string;
  readonly #dir: string;

  constructor(root: string) {
    this.root = root;
    this.#dir = resolve(root);
  }

  async list(): Promise<SourceFile[]> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(this.#dir);
    } catch (cause) {
      throw new SourceError(`dataset folder ${this.root} cannot be read: ${(cause as Error).message}`, { cause });
    }
    if (!info.isDirectory()) throw new SourceError(`dataset root ${this.root} is not a folder`);
    const out: SourceFile[] = [];
    // Symbolic links are followed; a folder reached twice (a link cycle) is walked once.
    const seen = new Set<string>();
    const walk = async (dir: string, rel: string): Promise<void> => {
      const real = await realpath(dir);
      if (seen.has(real)) return;
      seen.add(real);
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (cause) {
        throw new SourceReadError(rel, `cannot list ${rel || '.'}: ${(cause as Error).message}`, { cause });
      }
      for (const e of entries) {
        const abs = join(dir, e.name);
        const path = rel === '' ? e.name : `${rel}/${e.name}`;
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        let size = 0;
        if (e.isSymbolicLink()) {
          const target = await stat(abs).catch(() => undefined);
          if (target === undefined) continue; // dangling link: nothing to read
          isDir = target.isDirectory();
          isFile = target.isFile();
        }
        if (isDir) await walk(abs, path);
        else if (isFile) {
          size = (await stat(abs)).size;
          out.push({ path, size });
        }
      }
    };
    await walk(this.#dir, '');
    return out.sort((a, b) => comparePathBytes(a.path, b.path));
  }

  async open(path: string): Promise<Readable> {
    const abs = join(this.#dir, ...path.split('/'));
    try {
      const handle = await openFile(abs, 'r');
      return handle.createReadStream({ highWaterMark: READ_CHUNK, autoClose: true });
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new FileNotFoundError(path, `${path} does not exist`, { cause });
      throw new SourceReadError(path, `cannot open ${path}: ${(cause as Error).message}`, { cause });
    }
  }
}
