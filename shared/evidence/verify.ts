/**
 * Verifies an evidence pack as a reviewer would: the manifest's signature with the pack's public key (and the
 * reviewer's pinned fingerprint, if given), every listed file's size and SHA-256, no file missing, none unlisted; and,
 * when the dataset is given, every input file's size and SHA-256. Each mismatch is named; ok only if all hold.
 */
import { createPublicKey, verify } from 'node:crypto';
import { type EvidenceManifest, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, sha256Hex } from './manifest.js';
import { keyFingerprint } from './signer.js';

export interface PackReader {
  read(name: string): Promise<Buffer>;
  list(): Promise<string[]>;
}

export interface VerifyOptions {
  /** SHA-256 of the expected signing key's DER SPKI (hex). */
  pinnedFingerprint?: string;
  /** The dataset the pack was made from: its input files are re-hashed too (undefined: the file is missing). */
  inputs?: { digest(path: string): Promise<{ sha256: string; bytes: number } | undefined> };
}

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  checked: number;
  runId: string | null;
  keyFingerprint: string | null;
}

async function tryRead(reader: { read(name: string): Promise<Buffer> }, name: string): Promise<Buffer | undefined> {
  try {
    return await reader.read(name);
  } catch {
    return undefined;
  }
}

export async function verifyEvidencePack(reader: PackReader, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const problems: string[] = [];
  let checked = 0;
  const manifestBytes = await tryRead(reader, MANIFEST_FILE);
  if (manifestBytes === undefined) {
    return { ok: false, problems: [`${MANIFEST_FILE} is missing`], checked, runId: null, keyFingerprint: null };
  }
  let manifest: EvidenceManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as EvidenceManifest;
    if (!Array.isArray(manifest.outputs) || !Array.isArray(manifest.inputs) || manifest.signature === undefined) {
      throw new Error('outputs, inputs or signature missing');
    }
  } catch (error) {
    return {
      ok: false,
      problems: [`${MANIFEST_FILE} is not a valid evidence manifest: ${(error as Error).message}`],
      checked,
      runId: null,
      keyFingerprint: null,
    };
  }

  // Signature: with the key the manifest names, which must be the pack's public-key.pem (and the pin).
  const pem = manifest.signature.public_key_pem;
  let fingerprint: string | null = null;
  try {
    fingerprint = keyFingerprint(pem);
  } catch (error) {
    problems.push(`the manifest's public key cannot be read: ${(error as Error).message}`);
  }
  if (fingerprint !== null) {
    if (fingerprint !== manifest.signature.key_fingerprint) {
      problems.push(
        `key fingerprint in the manifest (${manifest.signature.key_fingerprint}) is not that of its key (${fingerprint})`,
      );
    }
    if (opts.pinnedFingerprint !== undefined && opts.pinnedFingerprint.toLowerCase() !== fingerprint) {
      problems.push(`signing key ${fingerprint} is not the pinned key ${opts.pinnedFingerprint}`);
    }
    const packKey = await tryRead(reader, PUBLIC_KEY_FILE);
    if (packKey !== undefined && keyFingerprintSafe(packKey.toString('utf8')) !== fingerprint) {
      problems.push(`${PUBLIC_KEY_FILE} is not the key named in ${MANIFEST_FILE}`);
    }
    const signature = await tryRead(reader, SIGNATURE_FILE);
    if (signature === undefined) problems.push(`${SIGNATURE_FILE} is missing`);
    else if (!verify('sha256', manifestBytes, createPublicKey(pem), signature)) {
      problems.push(`${SIGNATURE_FILE} is not a valid signature of ${MANIFEST_FILE} by key ${fingerprint}`);
    }
  }

  // Outputs: every listed file present with its size and hash; nothing unlisted.
  const listed = new Set<string>([MANIFEST_FILE, SIGNATURE_FILE]);
  for (const o of manifest.outputs) {
    listed.add(o.name);
    const data = await tryRead(reader, o.name);
    checked++;
    if (data === undefined) problems.push(`${o.name} is missing`);
    else if (data.length !== o.bytes) problems.push(`${o.name}: ${data.length} bytes, the manifest says ${o.bytes}`);
    else if (sha256Hex(data) !== o.sha256) problems.push(`${o.name}: SHA-256 differs from the manifest`);
  }
  for (const name of await reader.list()) {
    if (!listed.has(name)) problems.push(`${name} is in the pack but not in the manifest`);
  }

  if (opts.inputs !== undefined) {
    for (const i of manifest.inputs) {
      const d = await opts.inputs.digest(i.path);
      checked++;
      if (d === undefined) problems.push(`input ${i.path} is missing`);
      else if (d.bytes !== i.bytes) problems.push(`input ${i.path}: ${d.bytes} bytes, the manifest says ${i.bytes}`);
      else if (d.sha256 !== i.sha256) problems.push(`input ${i.path}: SHA-256 differs from the manifest`);
    }
  }
  return { ok: problems.length === 0, problems, checked, runId: manifest.run_id ?? null, keyFingerprint: fingerprint };
}

function keyFingerprintSafe(pem: string): string | null {
  try {
    return keyFingerprint(pem);
  } catch {
    return null;
  }
}
