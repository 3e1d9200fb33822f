/**
 * A dataset under an S3 prefix (the DatasetSource port of ingest/source.ts), and the choice between it and a local
 * folder by the root's form.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FileNotFoundError, SourceError, SourceReadError } from '../../ingest/errors.js';
import { comparePathBytes } from '../../ingest/pathOrder.js';
import { type DatasetSource, LocalDatasetSource, type SourceFile } from '../../ingest/source.js';
import { listObjects } from './objects.js';

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
