/** LocalFileSigner and the key helpers: key file handling, DER signatures anyone can verify, fingerprints. */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeyError } from '#shared/evidence/errors.js';
import { derToPem, keyFingerprint, LocalFileSigner } from '#shared/evidence/signer.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-signer-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('LocalFileSigner', () => {
  it('creates a P-256 key once (mode 0600, in a folder it creates) and reuses it', async () => {
    const keyFile = join(work, 'nested', '.vatp-audit', 'signing-key.pem');
    const a = new LocalFileSigner({ keyFile });
    const pemA = await a.publicKeyPem();
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const b = new LocalFileSigner({ keyFile });
    expect(await b.publicKeyPem()).toBe(pemA);
    const key = createPublicKey(pemA);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('uses an existing PEM key file as given', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = join(work, 'given.pem');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const s = new LocalFileSigner({ keyFile });
    expect(await s.publicKeyPem()).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  });

  it('refuses a key that is not ECDSA P-256, and a file that is not a key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const rsaFile = join(work, 'rsa.pem');
    await writeFile(rsaFile, rsa.export({ type: 'pkcs8', format: 'pem' }));
    await expect(new LocalFileSigner({ keyFile: rsaFile }).sign(Buffer.from('x'))).rejects.toBeInstanceOf(
      SigningKeyError,
    );
    const p384File = join(work, 'p384.pem');
    await writeFile(
      p384File,
      generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    await expect(new LocalFileSigner({ keyFile: p384File }).publicKeyPem()).rejects.toThrow(/not an ECDSA P-256/);
    const junk = join(work, 'junk.pem');
    await writeFile(junk, 'not a key');
    await expect(new LocalFileSigner({ keyFile: junk }).publicKeyPem()).rejects.toThrow(/not a PEM private key/);
  });

  it('signs with a DER ECDSA/SHA-256 signature that Node verifies, and that a changed byte breaks', async () => {
    const s = new LocalFileSigner({ keyFile: join(work, 'sig.pem') });
    const data = Buffer.from('{"run_id":"r-1"}\n');
    const sig = await s.sign(data);
    expect(sig[0]).toBe(0x30); // DER SEQUENCE
    const key = createPublicKey(await s.publicKeyPem());
    expect(verify('sha256', data, { key, dsaEncoding: 'der' }, sig)).toBe(true);
    const changed = Buffer.from(data);
    changed[2] = changed[2]! ^ 1;
    expect(verify('sha256', changed, { key, dsaEncoding: 'der' }, sig)).toBe(false);
  });

  it('signs so that `openssl dgst -sha256 -verify public-key.pem -signature manifest.sig` accepts it', async () => {
    if (!hasOpenssl()) {
      console.warn('openssl not installed: the documented openssl verification is not exercised here');
      return;
    }
    const s = new LocalFileSigner({ keyFile: join(work, 'openssl.pem') });
    const data = Buffer.from('manifest bytes');
    await writeFile(join(work, 'm.json'), data);
    await writeFile(join(work, 'm.sig'), await s.sign(data));
    await writeFile(join(work, 'pub.pem'), await s.publicKeyPem());
    const out = execFileSync('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      join(work, 'pub.pem'),
      '-signature',
      join(work, 'm.sig'),
      join(work, 'm.json'),
    ]).toString();
    expect(out).toMatch(/Verified OK/);
  });
});

describe('key helpers', () => {
  it('fingerprint is the SHA-256 of the DER SubjectPublicKeyInfo, and DER → PEM round-trips', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(keyFingerprint(pem)).toBe(createHash('sha256').update(der).digest('hex'));
    expect(derToPem(new Uint8Array(der))).toBe(pem);
    expect(keyFingerprint(derToPem(der))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('different keys have different fingerprints', async () => {
    const a = await new LocalFileSigner({ keyFile: join(work, 'fa.pem') }).publicKeyPem();
    const b = await new LocalFileSigner({ keyFile: join(work, 'fb.pem') }).publicKeyPem();
    expect(keyFingerprint(a)).not.toBe(keyFingerprint(b));
    expect(await readFile(join(work, 'fa.pem'), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
  });
});
