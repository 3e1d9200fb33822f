/** verify: a fresh pack passes; one changed byte, a removed file, a replaced signature or a wrong pin each fail. */
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { keyFingerprint, LocalFileSigner } from '#shared/evidence/signer.js';
import { verifyEvidencePack } from '#shared/evidence/verify.js';
import { runAudit } from '#shared/pipeline/runAudit.js';
import { WORKED_EXAMPLE } from '../fixtures/workedExample.js';

const EXAMPLE = WORKED_EXAMPLE;
let work: string;
let pack: string;
let fingerprint: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-verify-'));
  pack = join(work, 'pack');
  const r = await runAudit(
    { input: EXAMPLE, parameters: DEFAULT_PARAMETERS, toolVersion: 'test', tmpDir: work },
    {
      s3: () => {
        throw new Error('no S3');
      },
      out: openOutputSink(pack),
      signer: new LocalFileSigner({ keyFile: join(work, 'key.pem') }),
    },
  );
  fingerprint = r.keyFingerprint;
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function copyPack(name: string): Promise<string> {
  const dir = join(work, name);
  await cp(pack, dir, { recursive: true });
  return dir;
}

const verifyDir = (dir: string, pin?: string) => {
  const sink = openOutputSink(dir);
  return verifyEvidencePack({ read: (n) => sink.read(n), list: () => sink.list() }, { pinnedFingerprint: pin });
};

describe('verify', () => {
  it('passes on a fresh pack, with the pinned key', async () => {
    const r = await verifyDir(pack, fingerprint);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('fails after one byte of any file is changed, naming it', async () => {
    for (const name of [
      'findings.jsonl',
      'summary.json',
      'quarantine.jsonl',
      'report.pdf',
      'public-key.pem',
      'manifest.json',
    ]) {
      const dir = await copyPack(`byte-${name}`);
      const data = await readFile(join(dir, name));
      const changed = Buffer.from(data);
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at]! ^ 0x01;
      if (changed.length === 0) continue;
      await writeFile(join(dir, name), changed);
      const r = await verifyDir(dir);
      expect(r.ok, name).toBe(false);
    }
  });

  it('fails after a file is removed or added, and after the signature is replaced', async () => {
    const removed = await copyPack('removed');
    await unlink(join(removed, 'report.pdf'));
    expect((await verifyDir(removed)).problems.join('\n')).toMatch(/report\.pdf is missing/);

    const added = await copyPack('added');
    await writeFile(join(added, 'extra.txt'), 'x');
    expect((await verifyDir(added)).problems.join('\n')).toMatch(/extra\.txt/);

    const resigned = await copyPack('resigned');
    const other = new LocalFileSigner({ keyFile: join(work, 'other-key.pem') });
    await writeFile(join(resigned, 'manifest.sig'), await other.sign(await readFile(join(resigned, 'manifest.json'))));
    expect((await verifyDir(resigned)).problems.join('\n')).toMatch(/not a valid signature/);

    const noSig = await copyPack('nosig');
    await unlink(join(noSig, 'manifest.sig'));
    expect((await verifyDir(noSig)).ok).toBe(false);
  });

  it('fails when the pack is signed by another key than the pinned one', async () => {
    const other = new LocalFileSigner({ keyFile: join(work, 'third-key.pem') });
    const wrongPin = keyFingerprint(await other.publicKeyPem());
    const r = await verifyDir(pack, wrongPin);
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/pinned/);
  });

  it('signs deterministically with a local key', async () => {
    const signer = new LocalFileSigner({ keyFile: join(work, 'key.pem') });
    const data = Buffer.from('manifest');
    expect((await signer.sign(data)).equals(await signer.sign(data))).toBe(true);
  });
});
