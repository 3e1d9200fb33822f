/**
 * Small S3 helpers on the plain client (no @aws-sdk/lib-storage): byte-exact puts of buffers and streams (a stream of
 * unknown length is buffered up to one part, then sent as a multipart upload), reads as streams, paginated listings,
 * and directory upload/download. Every helper takes the client, so tests run them against s3rver and the CLI against
 * whatever `openAwsClients` chose.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3AdapterError, S3PathError } from './errors.js';

/** Default part size for streams of unknown length: S3 needs ≥ 5 MiB for every part but the last. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** A single PutObject carries at most 5 GiB. */
const MAX_SINGLE_PUT = 5 * 1024 * 1024 * 1024;
const MAX_PARTS = 10_000;

export type ObjectBody = Buffer | Uint8Array | string | Readable;

export interface PutObjectOptions {
  contentType?: string;
  /** Exact length of a stream body: lets it go out in one PutObject without buffering. */
  contentLength?: number;
  /** Part size for streams of unknown length (tests use small parts; S3 rejects parts under 5 MiB but the last). */
  partSize?: number;
}

export interface S3Location {
  bucket: string;
  /** Key prefix without a leading slash; '' for the whole bucket. */
  prefix: string;
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string | undefined;
}

export function isS3Uri(uri: string): boolean {
  return uri.startsWith('s3://');
}

/** `s3://bucket/some/prefix/` → { bucket, prefix: 'some/prefix/' }. */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (m === null || m[1] === undefined || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1])) {
    throw new S3PathError(`not an S3 location (s3://bucket/prefix): ${uri}`);
  }
  return { bucket: m[1], prefix: m[2] ?? '' };
}

/** Joins a key prefix and a relative name with exactly one slash. */
export function joinKey(prefix: string, name: string): string {
  const p = prefix.replace(/\/+$/, '');
  return p === '' ? name : `${p}/${name}`;
}

/** Creates the bucket unless it exists (s3rver starts empty; on AWS the CDK stack owns the buckets). */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (err) {
    if (httpStatus(err) !== 404) throw new S3AdapterError(`cannot reach bucket ${bucket}`, { cause: err });
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if ((err as Error).name === 'BucketAlreadyOwnedByYou') return;
    // s3rver (and a concurrent creator) answer BucketAlreadyExists for our own bucket: it is fine if we can reach it.
    if ((err as Error).name === 'BucketAlreadyExists') {
      const reachable = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
        () => true,
        () => false,
      );
      if (reachable) return;
    }
    throw new S3AdapterError(`cannot create bucket ${bucket}`, { cause: err });
  }
}

/** Writes one object byte for byte; returns the number of bytes stored. */
export async function putObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: ObjectBody,
  opts: PutObjectOptions = {},
): Promise<{ size: number }> {
  const contentType = opts.contentType !== undefined ? { ContentType: opts.contentType } : {};
  try {
    if (!(body instanceof Readable)) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length, ...contentType }),
      );
      return { size: bytes.length };
    }
    if (opts.contentLength !== undefined && opts.contentLength <= MAX_SINGLE_PUT) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentLength: opts.contentLength,
          ...contentType,
        }),
      );
      return { size: opts.contentLength };
    }
    return await putStreamInParts(s3, bucket, key, body, opts.partSize ?? DEFAULT_PART_SIZE, contentType);
  } catch (err) {
    if (err instanceof S3AdapterError) throw err;
    throw new S3AdapterError(`cannot write s3://${bucket}/${key}`, { cause: err });
  }
}

/** Buffers one part at a time: a stream shorter than a part is one PutObject, a longer one a multipart upload. */
async function putStreamInParts(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Readable,
  partSize: number,
  contentType: { ContentType?: string },
): Promise<{ size: number }> {
  if (!Number.isInteger(partSize) || partSize < 1) throw new S3AdapterError(`invalid part size ${partSize}`);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  let total = 0;

  const sendPart = async (part: Buffer): Promise<void> => {
    if (uploadId === undefined) {
      const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...contentType }));
      if (created.UploadId === undefined) throw new S3AdapterError(`no upload id for s3://${bucket}/${key}`);
      uploadId = created.UploadId;
    }
    const partNumber = parts.length + 1;
    if (partNumber > MAX_PARTS) throw new S3AdapterError(`s3://${bucket}/${key} needs more than ${MAX_PARTS} parts`);
    const res = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: part,
        ContentLength: part.length,
      }),
    );
    if (res.ETag === undefined) throw new S3AdapterError(`no ETag for part ${partNumber} of s3://${bucket}/${key}`);
    parts.push({ ETag: res.ETag, PartNumber: partNumber });
  };

  try {
    for await (const chunk of body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
      pending.push(buf);
      pendingBytes += buf.length;
      total += buf.length;
      while (pendingBytes >= partSize) {
        const all = Buffer.concat(pending, pendingBytes);
        await sendPart(all.subarray(0, partSize));
        const rest = all.subarray(partSize);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
    }
    const last = Buffer.concat(pending, pendingBytes);
    if (uploadId === undefined) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: last, ContentLength: last.length, ...contentType }),
      );
      return { size: total };
    }
    if (last.length > 0) await sendPart(last);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return { size: total };
  } catch (err) {
    if (uploadId !== undefined) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
    }
    throw err;
  }
}

/** Deletes one object (on a versioned bucket: adds a delete marker; earlier versions stay). */
export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    throw new S3AdapterError(`cannot delete s3://${bucket}/${key}`, { cause: err });
  }
}

/** The object's bytes as a stream. */
export async function getObject(s3: S3Client, bucket: string, key: string): Promise<Readable> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!(res.Body instanceof Readable)) throw new S3AdapterError(`no body for s3://${bucket}/${key}`);
    return res.Body;
  } catch (err) {
    if (err instanceof S3AdapterError) throw err;
    throw new S3AdapterError(`cannot read s3://${bucket}/${key}`, { cause: err, notFound: isNotFound(err) });
  }
}

/** The object's bytes in memory (for small objects: manifests, evidence blobs). */
export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const stream = await getObject(s3, bucket, key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Every object under the prefix, in key order, one page at a time. ListObjectsV2 first; if a truncated V2 page fails
 * with InternalError — s3rver encrypts continuation tokens with DES, which OpenSSL 3 refuses unless the process runs
 * with --openssl-legacy-provider — the listing goes on with ListObjects (V1), whose marker is the last key seen.
 */
export async function* listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string,
  opts: { pageSize?: number; api?: 'v2' | 'v1' } = {},
): AsyncGenerator<ListedObject> {
  let api = opts.api ?? 'v2';
  let token: string | undefined;
  let lastKey: string | undefined;
  for (;;) {
    let contents: { Key?: string; Size?: number; ETag?: string }[];
    let truncated: boolean;
    try {
      if (api === 'v2') {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix === '' ? undefined : prefix,
            ContinuationToken: token,
            MaxKeys: opts.pageSize,
          }),
        );
        contents = page.Contents ?? [];
        truncated = page.IsTruncated === true;
        token = page.NextContinuationToken;
        if (truncated && token === undefined) {
          throw new S3AdapterError(`truncated listing of s3://${bucket}/${prefix} without a continuation token`);
        }
      } else {
        const page = await s3.send(
          new ListObjectsCommand({
            Bucket: bucket,
            Prefix: prefix === '' ? undefined : prefix,
            Marker: lastKey,
            MaxKeys: opts.pageSize,
          }),
        );
        contents = page.Contents ?? [];
        truncated = page.IsTruncated === true;
      }
    } catch (err) {
      if (api === 'v2' && (err as Error).name === 'InternalError') {
        api = 'v1'; // redo this page with V1, starting after the last key already yielded
        continue;
      }
      if (err instanceof S3AdapterError) throw err;
      throw new S3AdapterError(`cannot list s3://${bucket}/${prefix}`, { cause: err });
    }
    for (const o of contents) {
      if (o.Key === undefined) continue;
      lastKey = o.Key;
      yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag };
    }
    if (!truncated) return;
    if (api === 'v1' && contents.length === 0) {
      throw new S3AdapterError(`truncated listing of s3://${bucket}/${prefix} returned no keys`);
    }
  }
}

/** Uploads every file under localDir (recursively, in name order) to bucket/prefix/<relative path>; returns the keys. */
export async function uploadDirectory(
  s3: S3Client,
  localDir: string,
  bucket: string,
  prefix: string,
): Promise<string[]> {
  const keys: string[] = [];
  for (const file of await walkFiles(localDir)) {
    const rel = relative(localDir, file).split(sep).join('/');
    const key = joinKey(prefix, rel);
    const { size } = await stat(file);
    await putObject(s3, bucket, key, createReadStream(file), { contentLength: size });
    keys.push(key);
  }
  return keys;
}

/**
 * Downloads every object under bucket/prefix into localDir, keeping the relative paths; returns them. A key that would
 * land outside localDir ('..' segments, absolute, empty segments) is refused rather than written.
 */
export async function downloadPrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  localDir: string,
): Promise<string[]> {
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const names: string[] = [];
  for await (const o of listObjects(s3, bucket, base)) {
    const name = o.key.slice(base.length);
    if (name === '' || name.endsWith('/')) continue; // folder markers
    assertSafeRelativeName(name);
    const target = join(localDir, ...name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await pipeline(await getObject(s3, bucket, o.key), createWriteStream(target));
    names.push(name);
  }
  return names;
}

/** A relative, slash-separated name with no '.', '..' or empty segments and no backslashes. */
export function assertSafeRelativeName(name: string): void {
  const segments = name.split('/');
  if (
    name === '' ||
    name.includes('\\') ||
    name.includes('\0') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new S3PathError(`unsafe relative name ${JSON.stringify(name)}`);
  }
}

async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkFiles(full)));
    else if (e.isFile() || (e.isSymbolicLink() && (await stat(full)).isFile())) out.push(full);
  }
  return out;
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const name = (err as Error).name;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(err) === 404;
}
