/**
 * Signing the evidence manifest with ECDSA P-256 / SHA-256, the algorithm AWS KMS asymmetric keys offer. Signatures
 * are DER-encoded (as KMS returns them and as Node's crypto.verify reads them).
 *
 * Locally the private key is a PEM file (generated once, mode 0600, in the data home by default: local/dataHome.ts)
 * and signatures are deterministic (RFC 6979, via @noble/curves), so a rerun writes a byte-identical manifest.sig. On
 * AWS the key never leaves KMS; KMS signatures are randomised, so there only manifest.json is byte-identical across
 * reruns.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { p256 } from '@noble/curves/nist.js';
import { EvidenceError, SigningKeyError } from './errors.js';

export interface Signer {
  readonly algorithm: 'ECDSA_SHA_256';
  /** The public key as SPKI PEM. */
  publicKeyPem(): Promise<string>;
  /** DER-encoded ECDSA signature over SHA-256(data). */
  sign(data: Buffer): Promise<Buffer>;
}

/** SHA-256 (hex) of the DER SubjectPublicKeyInfo: what the report prints and a reviewer pins. */
export function keyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

export function derToPem(spkiDer: Uint8Array): string {
  return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export class LocalFileSigner implements Signer {
  readonly algorithm = 'ECDSA_SHA_256' as const;
  readonly #keyFile: string;
  readonly #create: boolean;
  #key: Promise<KeyObject> | undefined;

  /** `create: false` for a key the user named: a missing file is an error, not a reason to make a new key. */
  constructor(opts: { keyFile: string; create?: boolean }) {
    this.#keyFile = opts.keyFile;
    this.#create = opts.create ?? true;
  }

  #privateKey(): Promise<KeyObject> {
    this.#key ??= loadOrCreate(this.#keyFile, this.#create);
    return this.#key;
  }

  async publicKeyPem(): Promise<string> {
    return createPublicKey(await this.#privateKey())
      .export({ type: 'spki', format: 'pem' })
      .toString();
  }

  async sign(data: Buffer): Promise<Buffer> {
    const jwk = (await this.#privateKey()).export({ format: 'jwk' });
    if (jwk.d === undefined) throw new SigningKeyError(`${this.#keyFile} holds no private key`);
    // RFC 6979 deterministic nonce: the same manifest always gets the same signature bytes.
    return Buffer.from(p256.sign(data, Buffer.from(jwk.d, 'base64url'), { format: 'der' }));
  }
}

async function loadOrCreate(keyFile: string, create: boolean): Promise<KeyObject> {
  let pem: string | undefined;
  try {
    pem = await readFile(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SigningKeyError(`cannot read signing key ${keyFile}: ${(error as Error).message}`, { cause: error });
    }
    if (!create) throw new SigningKeyError(`signing key ${keyFile} does not exist`, { cause: error });
  }
  if (pem === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await mkdir(dirname(keyFile), { recursive: true });
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' }).catch(
      async (error: NodeJS.ErrnoException) => {
        // Another process created it first: use theirs.
        if (error.code !== 'EEXIST') throw error;
      },
    );
    await chmod(keyFile, 0o600).catch(() => undefined);
    pem = await readFile(keyFile, 'utf8');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new SigningKeyError(`${keyFile} is not a PEM private key: ${(error as Error).message}`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new SigningKeyError(`${keyFile} is not an ECDSA P-256 key`);
  }
  return key;
}

/** Signs with an AWS KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY); the digest is computed here (no 4 KB limit). */
export class KmsSigner implements Signer {
  readonly algorithm = 'ECDSA_SHA_256' as const;
  readonly #kms: KMSClient;
  readonly #keyId: string;
  #pem: Promise<string> | undefined;

  constructor(opts: { kms: KMSClient; keyId: string }) {
    this.#kms = opts.kms;
    this.#keyId = opts.keyId;
  }

  publicKeyPem(): Promise<string> {
    this.#pem ??= (async () => {
      const res = await this.#kms.send(new GetPublicKeyCommand({ KeyId: this.#keyId }));
      if (res.PublicKey === undefined) throw new EvidenceError(`KMS key ${this.#keyId} returned no public key`);
      if (res.KeySpec !== undefined && res.KeySpec !== 'ECC_NIST_P256') {
        throw new SigningKeyError(`KMS key ${this.#keyId} is ${res.KeySpec}, not ECC_NIST_P256`);
      }
      return derToPem(res.PublicKey);
    })();
    return this.#pem;
  }

  async sign(data: Buffer): Promise<Buffer> {
    const digest = createHash('sha256').update(data).digest();
    const res = await this.#kms.send(
      new SignCommand({
        KeyId: this.#keyId,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (res.Signature === undefined) throw new EvidenceError(`KMS key ${this.#keyId} returned no signature`);
    return Buffer.from(res.Signature);
  }
}
