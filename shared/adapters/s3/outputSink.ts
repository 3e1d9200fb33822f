/**
 * Where a run writes its evidence pack (`--out`): a local folder or `s3://bucket/prefix`. Names are relative,
 * slash-separated paths inside the pack; anything that would escape it is refused. Local writes go through a
 * temporary file and a rename, so a crashed run never leaves a half-written file under its final name.
 */

import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3AdapterError, S3PathError } from './errors.js';
import {
  assertSafeRelativeName,
  deleteObject,
  ensureBucket,
  isS3Uri,
  joinKey,
  listObjects,
  parseS3Uri,
  putObject,
  readObject,
} from './objects.js';

export interface OutputSink {
  /** The location as given (a resolved path for local folders). */
  readonly uri: string;
  write(name: string, data: Buffer | string): Promise<void>;
  /** Copies a local file into the pack under `name`. */
  writeFile(name: string, localPath: string): Promise<void>;
  read(name: string): Promise<Buffer>;
  /** Every name in the pack, sorted. */
  list(): Promise<string[]>;
  /**
   * What the location already holds, before a pack is written there: up to `limit` names (files, folders, folder
   * markers, partial files: anything), sorted. Empty when the location does not exist. A local location that is a
   * file is refused (S3PathError).
   */
  existing(limit: number): Promise<string[]>;
  /** Removes everything under the location, and only under it (the folder itself, or the bucket, stays). */
  clear(): Promise<void>;
}

export interface OutputSinkDeps {
  /** Required for s3:// locations. */
  s3?: S3Client;
  /** Create the bucket if missing (the embedded stack starts with no buckets). */
  createBucket?: boolean;
}

export function openOutputSink(uri: string, deps: OutputSinkDeps = {}): OutputSink {
  if (isS3Uri(uri)) {
    if (deps.s3 === undefined) throw new S3AdapterError(`an S3 client is needed to write to ${uri}`);
    return new S3OutputSink(uri, deps.s3, deps.createBucket ?? false);
  }
  return new LocalOutputSink(uri.startsWith('file://') ? fileURLToPath(uri) : resolve(uri));
}

const TEMP_MARK = '.partial-';

class LocalOutputSink implements OutputSink {
  constructor(readonly uri: string) {}

  #path(name: string): string {
    assertSafeRelativeName(name);
    return join(this.uri, ...name.split('/'));
  }

  async write(name: string, data: Buffer | string): Promise<void> {
    const target = this.#path(name);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}${TEMP_MARK}${process.pid}`;
    try {
      await writeFile(temp, data);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw new S3AdapterError(`cannot write ${target}`, { cause: err });
    }
  }

  async writeFile(name: string, localPath: string): Promise<void> {
    const target = this.#path(name);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}${TEMP_MARK}${process.pid}`;
    try {
      await copyFile(localPath, temp);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw new S3AdapterError(`cannot copy ${localPath} to ${target}`, { cause: err });
    }
  }

  async read(name: string): Promise<Buffer> {
    const path = this.#path(name);
    try {
      return await readFile(path);
    } catch (err) {
      throw new S3AdapterError(`cannot read ${path}`, {
        cause: err,
        notFound: (err as NodeJS.ErrnoException).code === 'ENOENT',
      });
    }
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new S3AdapterError(`cannot list ${dir}`, { cause: err });
      }
      for (const e of entries) {
        const name = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) await walk(join(dir, e.name), name);
        else if (e.isFile() && !e.name.includes(TEMP_MARK)) names.push(name);
      }
    };
    await walk(this.uri, '');
    return names.sort(byCodeUnit);
  }

  async existing(limit: number): Promise<string[]> {
    let entries: string[];
    try {
      const s = await stat(this.uri);
      if (!s.isDirectory()) throw new S3PathError(`${this.uri} is a file, not a folder`);
      entries = await readdir(this.uri);
    } catch (err) {
      if (err instanceof S3PathError) throw err;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new S3AdapterError(`cannot read ${this.uri}`, { cause: err });
    }
    return entries.sort(byCodeUnit).slice(0, limit);
  }

  async clear(): Promise<void> {
    for (const name of await this.existing(Number.POSITIVE_INFINITY)) {
      try {
        await rm(join(this.uri, name), { recursive: true, force: true });
      } catch (err) {
        throw new S3AdapterError(`cannot remove ${join(this.uri, name)}`, { cause: err });
      }
    }
  }
}

class S3OutputSink implements OutputSink {
  readonly #bucket: string;
  readonly #prefix: string;
  #bucketReady: Promise<void> | undefined;

  constructor(
    readonly uri: string,
    private readonly s3: S3Client,
    createBucket: boolean,
  ) {
    const loc = parseS3Uri(uri);
    this.#bucket = loc.bucket;
    this.#prefix = loc.prefix;
    this.#bucketReady = createBucket ? undefined : Promise.resolve();
  }

  #key(name: string): string {
    assertSafeRelativeName(name);
    return joinKey(this.#prefix, name);
  }

  #ready(): Promise<void> {
    this.#bucketReady ??= ensureBucket(this.s3, this.#bucket);
    return this.#bucketReady;
  }

  async write(name: string, data: Buffer | string): Promise<void> {
    const key = this.#key(name);
    await this.#ready();
    await putObject(this.s3, this.#bucket, key, data);
  }

  async writeFile(name: string, localPath: string): Promise<void> {
    const key = this.#key(name);
    await this.#ready();
    const { size } = await stat(localPath);
    await putObject(this.s3, this.#bucket, key, createReadStream(localPath), { contentLength: size });
  }

  async read(name: string): Promise<Buffer> {
    return readObject(this.s3, this.#bucket, this.#key(name));
  }

  /** The key prefix of the pack's objects, ending in `/` (or '' for a whole bucket). */
  get #base(): string {
    return this.#prefix === '' || this.#prefix.endsWith('/') ? this.#prefix : `${this.#prefix}/`;
  }

  async list(): Promise<string[]> {
    const base = this.#base;
    const names: string[] = [];
    for await (const o of listObjects(this.s3, this.#bucket, base)) {
      const name = o.key.slice(base.length);
      if (name !== '' && !name.endsWith('/')) names.push(name);
    }
    return names.sort(byCodeUnit);
  }

  async existing(limit: number): Promise<string[]> {
    const base = this.#base;
    const names: string[] = [];
    try {
      for await (const o of listObjects(this.s3, this.#bucket, base)) {
        // A folder marker of the location itself (`prefix/`) holds nothing.
        if (o.key !== base) names.push(o.key.slice(base.length));
        if (names.length >= limit) break;
      }
    } catch (err) {
      // A bucket that does not exist yet holds nothing (the sink creates it in embedded mode).
      if ((err as Error).cause !== undefined && (((err as Error).cause as Error).name ?? '') === 'NoSuchBucket') {
        return [];
      }
      throw err;
    }
    return names;
  }

  async clear(): Promise<void> {
    const base = this.#base;
    const keys: string[] = [];
    for await (const o of listObjects(this.s3, this.#bucket, base)) keys.push(o.key);
    // A few deletes at a time: DeleteObjects needs a body checksum that not every S3 implementation accepts.
    for (let i = 0; i < keys.length; i += DELETE_CONCURRENCY) {
      await Promise.all(keys.slice(i, i + DELETE_CONCURRENCY).map((k) => deleteObject(this.s3, this.#bucket, k)));
    }
  }
}

const DELETE_CONCURRENCY = 8;

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
