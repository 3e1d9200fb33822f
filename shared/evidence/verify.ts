/**
 * Verifies an evidence pack as a reviewer would: the manifest's signature with the pack's public key (and the
 * reviewer's pinned fingerprint, if given), every listed file's size and SHA-256, no file missing, none unlisted; and,
 * when the dataset is given, every input file's size and SHA-256. Each mismatch is named; ok only if all hold.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { z } from 'zod';
import { inputDigest, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, sha256Hex } from './manifest.js';
import { keyFingerprint } from './signer.js';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'not a lower-case hex SHA-256');
const bytesSchema = z.number().int().nonnegative();
/** The fields verify relies on; anything else in the manifest is covered by the signature alone. */
const manifestSchema = z.object({
  run_id: z.string(),
  input_digest: sha256Schema,
  inputs: z.array(z.object({ path: z.string(), sha256: sha256Schema, bytes: bytesSchema })),
  outputs: z.array(z.object({ name: z.string(), sha256: sha256Schema, bytes: bytesSchema })),
  signature: z.object({
    algorithm: z.literal('ECDSA_SHA_256'),
    public_key_pem: z.string(),
    key_fingerprint: z.string(),
  }),
});

/**
 * A name the manifest may list: relative, `/`-separated, no `.`/`..` or empty segments, no backslash or NUL. Anything
 * else could make a reader look outside the pack or the dataset root, so it is reported instead of read.
 */
export function isSafeRelativeName(name: string): boolean {
  if (name.length === 0 || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** A fingerprint as people paste it: any case, optional `sha256:` prefix, colons or spaces between bytes. */
export function normaliseFingerprint(pin: string): string {
  return pin
    .trim()
    .toLowerCase()
    .replace(/^sha-?256:/, '')
    .replace(/[\s:]/g, '');
}

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
  /** Not failures, but limits of what was shown (e.g. no pinned key: anyone could have re-signed the pack). */
  warnings: string[];
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
  const warnings: string[] = [];
  let checked = 0;
  const fail = (problem: string): VerifyResult => ({
    ok: false,
    problems: [problem],
    checked,
    runId: null,
    keyFingerprint: null,
    warnings,
  });
  const manifestBytes = await tryRead(reader, MANIFEST_FILE);
  if (manifestBytes === undefined) return fail(`${MANIFEST_FILE} is missing`);
  let json: unknown;
  try {
    json = JSON.parse(manifestBytes.toString('utf8'));
  } catch (error) {
    return fail(`${MANIFEST_FILE} is not a valid evidence manifest: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return fail(`${MANIFEST_FILE} is not a valid evidence manifest: ${why}`);
  }
  const manifest: z.infer<typeof manifestSchema> = parsed.data;

  // Signature: with the key the manifest names, which must be the pack's public-key.pem (and the pin).
  const pem = manifest.signature.public_key_pem;
  let fingerprint: string | null = null;
  let key: KeyObject | undefined;
  try {
    key = createPublicKey(pem);
    fingerprint = keyFingerprint(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      problems.push(`the manifest's public key is not an ECDSA P-256 key, as ECDSA_SHA_256 requires`);
    }
  } catch (error) {
    problems.push(`the manifest's public key cannot be read: ${(error as Error).message}`);
  }
  if (opts.pinnedFingerprint !== undefined && !/^[0-9a-f]{64}$/.test(normaliseFingerprint(opts.pinnedFingerprint))) {
    problems.push(`the pinned fingerprint ${opts.pinnedFingerprint} is not a SHA-256 (64 hex digits)`);
  }
  if (opts.pinnedFingerprint === undefined) {
    warnings.push(
      'no key pinned (--pin): the signature proves the pack is intact under the key it carries, not whose key that is',
    );
  }
  if (fingerprint !== null && key !== undefined) {
    if (fingerprint !== manifest.signature.key_fingerprint) {
      problems.push(
        `key fingerprint in the manifest (${manifest.signature.key_fingerprint}) is not that of its key (${fingerprint})`,
      );
    }
    if (opts.pinnedFingerprint !== undefined && normaliseFingerprint(opts.pinnedFingerprint) !== fingerprint) {
      problems.push(`signing key ${fingerprint} is not the pinned key ${opts.pinnedFingerprint}`);
    }
    const packKey = await tryRead(reader, PUBLIC_KEY_FILE);
    if (packKey === undefined) {
      // When listed as an output, the output check below names it.
      if (!manifest.outputs.some((o) => o.name === PUBLIC_KEY_FILE)) problems.push(`${PUBLIC_KEY_FILE} is missing`);
    } else if (keyFingerprintSafe(packKey.toString('utf8')) !== fingerprint) {
      problems.push(`${PUBLIC_KEY_FILE} is not the key named in ${MANIFEST_FILE}`);
    }
    const signature = await tryRead(reader, SIGNATURE_FILE);
    if (signature === undefined) problems.push(`${SIGNATURE_FILE} is missing`);
    else if (!verifySafe(manifestBytes, key, signature)) {
      problems.push(`${SIGNATURE_FILE} is not a valid signature of ${MANIFEST_FILE} by key ${fingerprint}`);
    }
  }

  // Outputs: every listed file present with its size and hash; nothing unlisted.
  if (inputDigest(manifest.inputs) !== manifest.input_digest) {
    problems.push(`input_digest in ${MANIFEST_FILE} is not the digest of its input list`);
  }
  // The pack holds exactly the listed outputs plus the manifest, its signature and the public key.
  const listed = new Set<string>();
  for (const o of manifest.outputs) {
    if (listed.has(o.name)) {
      problems.push(`${o.name} is listed more than once in ${MANIFEST_FILE}`);
      continue;
    }
    listed.add(o.name);
    if (!isSafeRelativeName(o.name)) {
      problems.push(`${JSON.stringify(o.name)} in ${MANIFEST_FILE} is not a plain relative name; not read`);
      continue;
    }
    const data = await tryRead(reader, o.name);
    checked++;
    if (data === undefined) problems.push(`${o.name} is missing`);
    else if (data.length !== o.bytes) problems.push(`${o.name}: ${data.length} bytes, the manifest says ${o.bytes}`);
    else if (sha256Hex(data) !== o.sha256) problems.push(`${o.name}: SHA-256 differs from the manifest`);
  }
  try {
    for (const name of await reader.list()) {
      const own = name === MANIFEST_FILE || name === SIGNATURE_FILE || name === PUBLIC_KEY_FILE;
      if (!own && !listed.has(name)) problems.push(`${name} is in the pack but not in the manifest`);
    }
  } catch (error) {
    problems.push(`cannot list the pack's files: ${(error as Error).message}`);
  }

  if (opts.inputs !== undefined) {
    for (const i of manifest.inputs) {
      if (!isSafeRelativeName(i.path)) {
        problems.push(`input ${JSON.stringify(i.path)} is not a plain relative path; not read`);
        continue;
      }
      let d: { sha256: string; bytes: number } | undefined;
      try {
        d = await opts.inputs.digest(i.path);
      } catch (error) {
        problems.push(`input ${i.path} cannot be read: ${(error as Error).message}`);
        continue;
      }
      checked++;
      if (d === undefined) problems.push(`input ${i.path} is missing`);
      else if (d.bytes !== i.bytes) problems.push(`input ${i.path}: ${d.bytes} bytes, the manifest says ${i.bytes}`);
      else if (d.sha256 !== i.sha256) problems.push(`input ${i.path}: SHA-256 differs from the manifest`);
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    checked,
    runId: manifest.run_id,
    keyFingerprint: fingerprint,
    warnings,
  };
}

/** A malformed DER signature is a failed verification, not a crash. */
function verifySafe(data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

function keyFingerprintSafe(pem: string): string | null {
  try {
    return keyFingerprint(pem);
  } catch {
    return null;
  }
}
