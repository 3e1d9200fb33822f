/**
 * manifest.json of the evidence pack (OUTPUT.md): SHA-256 and size of every input file and of every output file,
 * the tool and rules versions, the parameters, and the signing key. Canonical JSON (sorted keys, fixed indentation)
 * so the same run always gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../contract/canonicalJson.js';

export const EVIDENCE_MANIFEST_VERSION = 1;

export interface ManifestEntry {
  sha256: string;
  bytes: number;
}

export interface EvidenceManifest {
  evidence_manifest: number;
  run_id: string;
  venue: string;
  period: { start: string; end: string };
  tool_version: string;
  rules_version: string;
  parameters: unknown;
  input_digest: string;
  inputs: ({ path: string } & ManifestEntry)[];
  outputs: ({ name: string } & ManifestEntry)[];
  signature: {
    algorithm: 'ECDSA_SHA_256';
    file: string;
    public_key_file: string;
    public_key_pem: string;
    key_fingerprint: string;
  };
}

export interface EvidenceManifestInput {
  run_id: string;
  venue: string;
  period: { start: string; end: string };
  tool_version: string;
  rules_version: string;
  parameters: unknown;
  inputs: readonly { path: string; sha256: string; bytes: number }[];
  outputs: readonly { name: string; data: Buffer }[];
  public_key_pem: string;
  key_fingerprint: string;
}

export const SIGNATURE_FILE = 'manifest.sig';
export const MANIFEST_FILE = 'manifest.json';
export const PUBLIC_KEY_FILE = 'public-key.pem';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One digest over the whole input list (path, hash, size), printed on the report's cover. */
export function inputDigest(inputs: readonly { path: string; sha256: string; bytes: number }[]): string {
  const sorted = [...inputs].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return sha256Hex(sorted.map((i) => `${i.sha256}  ${i.bytes}  ${i.path}\n`).join(''));
}

export function buildEvidenceManifest(input: EvidenceManifestInput): Buffer {
  const inputs = [...input.inputs]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
    .map((i) => ({ path: i.path, sha256: i.sha256, bytes: i.bytes }));
  const outputs = [...input.outputs]
    .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
    .map((o) => ({ name: o.name, sha256: sha256Hex(o.data), bytes: o.data.length }));
  const manifest: EvidenceManifest = {
    evidence_manifest: EVIDENCE_MANIFEST_VERSION,
    run_id: input.run_id,
    venue: input.venue,
    period: input.period,
    tool_version: input.tool_version,
    rules_version: input.rules_version,
    parameters: input.parameters,
    input_digest: inputDigest(inputs),
    inputs,
    outputs,
    signature: {
      algorithm: 'ECDSA_SHA_256',
      file: SIGNATURE_FILE,
      public_key_file: PUBLIC_KEY_FILE,
      public_key_pem: input.public_key_pem,
      key_fingerprint: input.key_fingerprint,
    },
  };
  return Buffer.from(`${JSON.stringify(JSON.parse(canonicalJson(manifest)), null, 2)}\n`);
}
