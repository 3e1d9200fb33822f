/**
 * verify on hand-built packs read through the local pack reader: pins as people paste them, manifests that are
 * malformed or name files outside the pack, keys of the wrong kind, input re-hashing, and the command's exit codes.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reportCommandError } from '#shared/cli/exit.js';
import { registerVerifyCommand } from '#shared/cli/verifyCommand.js';
import { localInputDigests, openLocalPackReader } from '#shared/evidence/localPackReader.js';
import { buildEvidenceManifest, inputDigest } from '#shared/evidence/manifest.js';
import { keyFingerprint, LocalFileSigner } from '#shared/evidence/signer.js';
import { isSafeRelativeName, normaliseFingerprint, verifyEvidencePack } from '#shared/evidence/verify.js';

let work: string;
let dataset: string;
let signer: LocalFileSigner;
let fingerprint: string;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const INPUTS: Record<string, string> = {
  'manifest.json': '{"contract": 1, "venue": "HKVX"}\n',
  'orders/orders-1.jsonl': '{"seq":1}\n{"seq":2}\n',
  'trades/trades-1.csv': 'seq,trade_id\n3,t-1\n',
};
const OUTPUTS: Record<string, string> = {
  'findings.jsonl': '{"check_id":"CP-1","subject":"t-1"}\n',
  'summary.json': '{"checks":[]}\n',
  'quarantine.jsonl': '',
  'report.pdf': '%PDF-1.7 stand-in bytes',
};

/** Writes a pack signed by `signer` into a fresh folder; `mutate` may change the manifest before signing. */
async function makePack(
  name: string,
  opts: { mutate?: (m: Record<string, unknown>) => void; signWith?: (data: Buffer) => Buffer; pem?: string } = {},
): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const pem = opts.pem ?? (await signer.publicKeyPem());
  const outputs = Object.entries(OUTPUTS).map(([n, d]) => ({ name: n, data: Buffer.from(d) }));
  outputs.push({ name: 'public-key.pem', data: Buffer.from(pem) });
  for (const o of outputs) await writeFile(join(dir, o.name), o.data);
  let manifest = buildEvidenceManifest({
    run_id: 'r-test',
    venue: 'HKVX',
    period: { start: '2026-02-12T00:00:00Z', end: '2026-02-13T00:00:00Z' },
    tool_version: 'test',
    rules_version: '1',
    parameters: { haircut_floor: '0.60' },
    inputs: Object.entries(INPUTS).map(([path, d]) => ({ path, sha256: sha(d), bytes: Buffer.byteLength(d) })),
    outputs,
    public_key_pem: pem,
    key_fingerprint: keyFingerprint(pem),
  });
  if (opts.mutate) {
    const m = JSON.parse(manifest.toString()) as Record<string, unknown>;
    opts.mutate(m);
    manifest = Buffer.from(`${JSON.stringify(m, null, 2)}\n`);
  }
  await writeFile(join(dir, 'manifest.json'), manifest);
  await writeFile(join(dir, 'manifest.sig'), opts.signWith ? opts.signWith(manifest) : await signer.sign(manifest));
  return dir;
}

async function check(dir: string, opts: Parameters<typeof verifyEvidencePack>[1] = {}) {
  return verifyEvidencePack(await openLocalPackReader(dir), opts);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-pack-'));
  signer = new LocalFileSigner({ keyFile: join(work, 'keys', 'signing-key.pem') });
  fingerprint = keyFingerprint(await signer.publicKeyPem());
  dataset = join(work, 'dataset');
  for (const [path, d] of Object.entries(INPUTS)) {
    await mkdir(join(dataset, path, '..'), { recursive: true });
    await writeFile(join(dataset, path), d);
  }
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('evidence manifest', () => {
  it('is the same bytes whatever the order of inputs and outputs, with sorted keys and an input digest', () => {
    const base = {
      run_id: 'r',
      venue: 'V',
      period: { start: 'a', end: 'b' },
      tool_version: 't',
      rules_version: '1',
      parameters: { b: 1, a: 2 },
      public_key_pem: 'pem',
      key_fingerprint: 'fp',
    };
    const inputs = [
      { path: 'b/x.csv', sha256: sha('1'), bytes: 1 },
      { path: 'a/y.jsonl', sha256: sha('2'), bytes: 2 },
    ];
    const outputs = [
      { name: 'z.json', data: Buffer.from('z') },
      { name: 'a.json', data: Buffer.from('a') },
    ];
    const one = buildEvidenceManifest({ ...base, inputs, outputs });
    const two = buildEvidenceManifest({ ...base, inputs: [...inputs].reverse(), outputs: [...outputs].reverse() });
    expect(one.equals(two)).toBe(true);
    const m = JSON.parse(one.toString());
    expect(Object.keys(m)).toEqual([...Object.keys(m)].sort());
    expect(m.inputs.map((i: { path: string }) => i.path)).toEqual(['a/y.jsonl', 'b/x.csv']);
    expect(m.outputs[0]).toEqual({ name: 'a.json', sha256: sha('a'), bytes: 1 });
    expect(m.input_digest).toBe(inputDigest(inputs));
    expect(inputDigest(inputs)).toBe(inputDigest([...inputs].reverse()));
  });
});

describe('verifyEvidencePack on hand-built packs', () => {
  it('passes a fresh pack; without a pin it warns that the key is not pinned', async () => {
    const dir = await makePack('fresh');
    const r = await check(dir);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.warnings.join()).toMatch(/no key pinned/);
    const pinned = await check(dir, { pinnedFingerprint: fingerprint });
    expect(pinned.ok).toBe(true);
    expect(pinned.warnings).toEqual([]);
  });

  it('accepts the pin as people paste it (upper case, colons, sha256: prefix) and rejects a malformed pin', async () => {
    const dir = await makePack('pins');
    const pasted = `SHA256:${fingerprint.toUpperCase().match(/../g)!.join(':')}`;
    expect(normaliseFingerprint(pasted)).toBe(fingerprint);
    expect((await check(dir, { pinnedFingerprint: pasted })).ok).toBe(true);
    const bad = await check(dir, { pinnedFingerprint: 'abc' });
    expect(bad.ok).toBe(false);
    expect(bad.problems.join()).toMatch(/not a SHA-256/);
  });

  it('fails when one byte of any file changes, naming the file', async () => {
    for (const name of [...Object.keys(OUTPUTS).filter((n) => OUTPUTS[n] !== ''), 'public-key.pem']) {
      const dir = await makePack(`byte-${name}`);
      const data = await readFile(join(dir, name));
      data[data.length - 2] = data[data.length - 2]! ^ 0x01;
      await writeFile(join(dir, name), data);
      const r = await check(dir);
      expect(r.ok, name).toBe(false);
      expect(r.problems.join('\n'), name).toContain(name);
    }
    const dir = await makePack('byte-manifest');
    const m = await readFile(join(dir, 'manifest.json'));
    m[10] = m[10]! ^ 0x01;
    await writeFile(join(dir, 'manifest.json'), m);
    expect((await check(dir)).ok).toBe(false);
  });

  it('fails when a file is removed, the signature is missing or replaced, or an unlisted file is added', async () => {
    const removed = await makePack('removed');
    await unlink(join(removed, 'quarantine.jsonl'));
    expect((await check(removed)).problems).toContain('quarantine.jsonl is missing');

    const noKey = await makePack('nokey');
    await unlink(join(noKey, 'public-key.pem'));
    expect((await check(noKey)).problems.join()).toMatch(/public-key\.pem is missing/);

    const noSig = await makePack('nosig');
    await unlink(join(noSig, 'manifest.sig'));
    expect((await check(noSig)).problems).toContain('manifest.sig is missing');

    const garbage = await makePack('garbage-sig');
    await writeFile(join(garbage, 'manifest.sig'), Buffer.from('not DER at all'));
    expect((await check(garbage)).problems.join()).toMatch(/not a valid signature/);

    const extra = await makePack('extra');
    await mkdir(join(extra, 'sub'));
    await writeFile(join(extra, 'sub', 'report-corrected.pdf'), 'x');
    expect((await check(extra)).problems).toContain('sub/report-corrected.pdf is in the pack but not in the manifest');
  });

  it('fails a pack re-signed with another key whose manifest still names the original key', async () => {
    const other = new LocalFileSigner({ keyFile: join(work, 'keys', 'other.pem') });
    const otherSig = await other.sign(Buffer.from('warm-up'));
    expect(otherSig.length).toBeGreaterThan(0);
    const dir = await makePack('resigned');
    await writeFile(join(dir, 'manifest.sig'), await other.sign(await readFile(join(dir, 'manifest.json'))));
    expect((await check(dir)).problems.join()).toMatch(/not a valid signature/);
  });

  it('a pack wholly re-made with another key verifies only without the pin', async () => {
    const other = new LocalFileSigner({ keyFile: join(work, 'keys', 'forger.pem') });
    const forgedPem = await other.publicKeyPem();
    const dir = await makePack('forged', { pem: forgedPem, signWith: () => Buffer.alloc(0) });
    await writeFile(join(dir, 'manifest.sig'), await other.sign(await readFile(join(dir, 'manifest.json'))));
    expect((await check(dir)).ok).toBe(true);
    const pinned = await check(dir, { pinnedFingerprint: fingerprint });
    expect(pinned.ok).toBe(false);
    expect(pinned.problems.join()).toMatch(/not the pinned key/);
  });

  it('refuses a key that is not ECDSA P-256 even when the signature matches it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const dir = await makePack('rsa', { pem, signWith: (d) => sign('sha256', d, privateKey) });
    const r = await check(dir);
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/not an ECDSA P-256 key/);
  });

  it('reports a malformed manifest, a false fingerprint, a false input digest, duplicate and unsafe names', async () => {
    const dir = await makePack('malformed');
    await writeFile(join(dir, 'manifest.json'), '{"outputs": "nope"}');
    const r = await check(dir);
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/not a valid evidence manifest/);

    const fp = await makePack('false-fp', {
      mutate: (m) => {
        (m.signature as Record<string, string>).key_fingerprint = '0'.repeat(64);
      },
    });
    expect((await check(fp)).problems.join()).toMatch(/key fingerprint in the manifest/);

    const dg = await makePack('false-digest', {
      mutate: (m) => {
        m.input_digest = 'f'.repeat(64);
      },
    });
    expect((await check(dg)).problems.join()).toMatch(/input_digest/);

    const dup = await makePack('dup', {
      mutate: (m) => {
        const outs = m.outputs as unknown[];
        outs.push(outs[0]);
      },
    });
    expect((await check(dup)).problems.join()).toMatch(/listed more than once/);

    const unsafe = await makePack('unsafe', {
      mutate: (m) => {
        (m.outputs as unknown[]).push({ name: '../keys/signing-key.pem', sha256: '0'.repeat(64), bytes: 1 });
      },
    });
    const u = await check(unsafe);
    expect(u.ok).toBe(false);
    expect(u.problems.join()).toMatch(/not a plain relative name/);
  });

  it('re-hashes the inputs when given the dataset: a changed, shortened or missing input fails', async () => {
    const dir = await makePack('inputs');
    expect((await check(dir, { inputs: localInputDigests(dataset) })).problems).toEqual([]);

    const changed = join(work, 'dataset-changed');
    for (const [path, d] of Object.entries(INPUTS)) {
      await mkdir(join(changed, path, '..'), { recursive: true });
      await writeFile(join(changed, path), path.startsWith('orders') ? d.replace('"seq":2', '"seq":3') : d);
    }
    expect((await check(dir, { inputs: localInputDigests(changed) })).problems).toEqual([
      'input orders/orders-1.jsonl: SHA-256 differs from the manifest',
    ]);
    await writeFile(join(changed, 'trades/trades-1.csv'), 'seq\n');
    await unlink(join(changed, 'manifest.json'));
    const r = await check(dir, { inputs: localInputDigests(changed) });
    expect(r.problems).toContain('input manifest.json is missing');
    expect(r.problems.join()).toMatch(/input trades\/trades-1\.csv: \d+ bytes, the manifest says \d+/);
  });
});

describe('local pack reader', () => {
  it('lists nested files with / in byte order and refuses names that leave the folder', async () => {
    const dir = join(work, 'reader');
    await mkdir(join(dir, 'b'), { recursive: true });
    await writeFile(join(dir, 'b', 'x.txt'), '1');
    await writeFile(join(dir, 'a.txt'), '2');
    await writeFile(join(dir, 'B.txt'), '3');
    const r = await openLocalPackReader(dir);
    expect(await r.list()).toEqual(['B.txt', 'a.txt', 'b/x.txt']);
    expect((await r.read('b/x.txt')).toString()).toBe('1');
    await expect(r.read('../reader/a.txt')).rejects.toThrow(/not a plain relative name/);
    await expect(r.read('/etc/passwd')).rejects.toThrow(/not a plain relative name/);
    await expect(openLocalPackReader(join(work, 'no-such-pack'))).rejects.toThrow(/cannot be opened/);
    expect(isSafeRelativeName('orders/part-1.csv.gz')).toBe(true);
    for (const bad of ['', '/a', 'a//b', './a', 'a/../b', 'a\\b', 'a/'])
      expect(isSafeRelativeName(bad), bad).toBe(false);
  });
});

describe('vatp-audit verify (command)', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  async function runVerify(args: string[]): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command('vatp-audit').exitOverride();
    registerVerifyCommand(program, {
      openReader: openLocalPackReader,
      openInputs: async (root) => localInputDigests(root),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    process.exitCode = undefined;
    try {
      await program.parseAsync(['node', 'vatp-audit', 'verify', ...args]);
    } catch (error) {
      process.exitCode = reportCommandError(error, 'verify', (l) => err.push(l), { debug: false });
    }
    const code = process.exitCode as number | undefined;
    process.exitCode = undefined;
    return { code, out, err };
  }

  it('exits 0 on a good pack with the pin and the inputs', async () => {
    const dir = await makePack('cmd-ok');
    const r = await runVerify([dir, '--pin', fingerprint, '--inputs', dataset]);
    expect(r.code).toBe(0);
    expect(r.out.join()).toMatch(/^OK: .* 8 files verified, signed by key [0-9a-f]{64}$/);
    expect(r.err).toEqual([]);
  });

  it('exits 1 naming each mismatch', async () => {
    const dir = await makePack('cmd-bad');
    await writeFile(join(dir, 'summary.json'), '{}');
    await unlink(join(dir, 'findings.jsonl'));
    const r = await runVerify([dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MISMATCH: findings.jsonl is missing');
    expect(r.err.some((l) => l.startsWith('MISMATCH: summary.json'))).toBe(true);
    expect(r.err.some((l) => l.startsWith('WARNING: no key pinned'))).toBe(true);
    expect(r.err.at(-1)).toMatch(/FAILED: .* 2 problems$/);
  });

  it('exits 2 when the pack cannot be opened', async () => {
    const r = await runVerify([join(work, 'missing-pack')]);
    expect(r.code).toBe(2);
    expect(r.err.join()).toMatch(/cannot be opened/);
  });
});
