/**
 * Where a dataset lives: a local folder or an S3 prefix. Both list every file under the root (recursively, in the
 * byte order of their relative paths) and open one file as a byte stream; everything else (formats, records) is the
 * same for both.
 */
import { open as openFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '../adapters/s3/objects.js';
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
 * its text alive (their strings are slices of it) until they are handed on: at 40 files, 1 MB chunks cost +130 MB
 * RSS. 256 -> 64 kB (10M sorted JSONL, 40 files, A/B twice): peak RSS 572-598 -> 485-492 MB, CPU 192-195 -> 156-159 s
 * (the reading worker's old generation 124 -> 52 MB, so fewer full collections); 32 kB saved 30 MB more but ran slower.
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

/** `s3://bucket/prefix` → bucket and a prefix that is empty or ends with `/`. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (m === null || m[1] === undefined) throw new SourceError(`not an s3://bucket/prefix URI: ${uri}`);
  let prefix = m[2] ?? '';
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  return { bucket: m[1], prefix };
}

export class S3DatasetSource implements DatasetSource {
  readonly root: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly #s3: S3Client;
  readonly #pageSize: number | undefined;

  /** pageSize: keys per ListObjectsV2 page (S3's default, 1000, when unset). */
  constructor(root: string, s3: S3Client, opts: { pageSize?: number } = {}) {
    this.root = root;
    this.#pageSize = opts.pageSize;
    const { bucket, prefix } = parseS3Uri(root);
    this.bucket = bucket;
    this.prefix = prefix;
    this.#s3 = s3;
  }

  async list(): Promise<SourceFile[]> {
    const out: SourceFile[] = [];
    try {
      // listObjects pages with ListObjectsV2 and falls back to V1 markers where s3rver's DES continuation tokens
      // fail (processes without the OpenSSL legacy provider).
      for await (const o of listObjects(this.#s3, this.bucket, this.prefix, { pageSize: this.#pageSize })) {
        if (!o.key.startsWith(this.prefix)) continue;
        const path = o.key.slice(this.prefix.length);
        // Keys ending in '/' are folder markers written by consoles, not files.
        if (path === '' || path.endsWith('/')) continue;
        out.push({ path, size: o.size });
      }
    } catch (cause) {
      throw new SourceReadError('', `cannot list ${this.root}: ${(cause as Error).message}`, { cause });
    }
    return out.sort((a, b) => comparePathBytes(a.path, b.path));
  }

  async open(path: string): Promise<Readable> {
    try {
      const res = await this.#s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + path }));
      const body = res.Body;
      if (body instanceof Readable) return body;
      if (body === undefined) return Readable.from([]);
      return Readable.fromWeb(
        (body as { transformToWebStream(): import('node:stream/web').ReadableStream }).transformToWebStream(),
      );
    } catch (cause) {
      const name = (cause as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') {
        throw new FileNotFoundError(path, `${this.root.replace(/\/?$/, '/')}${path} does not exist`, { cause });
      }
      throw new SourceReadError(path, `cannot read ${path}: ${(cause as Error).message}`, { cause });
    }
  }
}

/** A local folder, or an S3 prefix when root starts with `s3://` (the client is created only then). */
export function openDatasetSource(root: string, deps: { s3: () => S3Client }): DatasetSource {
  if (root.startsWith('s3://')) return new S3DatasetSource(root, deps.s3());
  return new LocalDatasetSource(root);
}
