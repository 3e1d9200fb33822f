/**
 * Where findings too large for a DynamoDB item (400 KB) are kept: a content-addressed blob per finding version, with
 * a pointer (location, SHA-256, size) in the item. Reads verify the hash, so a swapped blob is detected, not shown.
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { joinKey, parseS3Uri, putObject, readObject } from '../adapters/s3/objects.js';
import { StoreError, StoreIntegrityError } from './errors.js';

export interface BlobRef {
  /** Where the blob is, e.g. s3://bucket/key. */
  location: string;
  sha256: string;
  size: number;
}

export interface EvidenceBlobStore {
  /** Stores the bytes under a name derived from `key` and their hash; idempotent for equal bytes. */
  put(key: string, data: Buffer): Promise<BlobRef>;
  /** The bytes, verified against the reference's hash and size. */
  get(ref: BlobRef): Promise<Buffer>;
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function verifyBlob(ref: BlobRef, data: Buffer): Buffer {
  if (data.length !== ref.size || sha256Hex(data) !== ref.sha256) {
    throw new StoreIntegrityError(`evidence blob ${ref.location} does not match its recorded hash and size`);
  }
  return data;
}

/** Blobs in S3 under `s3://bucket/prefix/<key>/<sha256>.json`. */
export function s3EvidenceBlobStore(opts: { s3: S3Client; bucket: string; prefix?: string }): EvidenceBlobStore {
  const prefix = opts.prefix ?? 'findings';
  return {
    async put(key, data) {
      const sha256 = sha256Hex(data);
      const objectKey = joinKey(prefix, `${key}/${sha256}.json`);
      try {
        await putObject(opts.s3, opts.bucket, objectKey, data, { contentType: 'application/json' });
      } catch (err) {
        throw new StoreError(`cannot store evidence blob for ${key}`, { cause: err });
      }
      return { location: `s3://${opts.bucket}/${objectKey}`, sha256, size: data.length };
    },
    async get(ref) {
      const { bucket, prefix: key } = parseS3Uri(ref.location);
      let data: Buffer;
      try {
        data = await readObject(opts.s3, bucket, key);
      } catch (err) {
        throw new StoreError(`cannot read evidence blob ${ref.location}`, { cause: err });
      }
      return verifyBlob(ref, data);
    },
  };
}
