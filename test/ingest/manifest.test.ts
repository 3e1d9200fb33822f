import { describe, expect, it } from 'vitest';
import { ManifestError } from '#shared/ingest/errors.js';
import { readDatasetManifest } from '#shared/ingest/manifest.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import { tempDataset } from './helpers.js';

const GOOD = {
  contract: 1,
  venue: 'HKVX',
  operator_entity_id: 'E-OP',
  period_start: '2026-02-12T00:00:00Z',
  period_end: '2026-02-13T00:00:00Z',
};

async function read(content: string | Buffer | undefined, accepted?: readonly (1 | 2)[]) {
  const ds = tempDataset(content === undefined ? { 'orders/a.jsonl': '' } : { 'manifest.json': content });
  try {
    return await readDatasetManifest(new LocalDatasetSource(ds.root), accepted);
  } finally {
    ds.remove();
  }
}

describe('readDatasetManifest', () => {
  it('reads a valid manifest (BOM ignored, unknown fields dropped)', async () => {
    expect(await read(`\uFEFF${JSON.stringify({ ...GOOD, extra: 1 })}`)).toEqual(GOOD);
  });

  it('names the problem: missing, not JSON, not an object, each invalid field', async () => {
    const cases: [string | Buffer | undefined, RegExp][] = [
      [undefined, /manifest\.json .* is missing/],
      ['{"contract": 1,', /not valid JSON/],
      ['[1]', /not a JSON object/],
      [Buffer.from([0x7b, 0xff, 0x7d]), /not UTF-8/],
      [
        JSON.stringify({ ...GOOD, contract: 3 }),
        /is invalid: contract is not 1 or 2 \(this tool reads data contracts v1 and v2\): 3$/,
      ],
      [JSON.stringify({ ...GOOD, contract: 0 }), /is invalid: contract is not 1 or 2 .*: 0$/],
      [JSON.stringify({ ...GOOD, contract: '2' }), /is invalid: contract is not 1 or 2 .*: "2"$/],
      [JSON.stringify({ ...GOOD, contract: 2.5 }), /is invalid: contract is not 1 or 2 .*: 2\.5$/],
      [JSON.stringify({ ...GOOD, contract: undefined }), /is invalid: missing field contract$/],
      [JSON.stringify({ ...GOOD, venue: undefined }), /is invalid: missing field venue$/],
      [JSON.stringify({ ...GOOD, operator_entity_id: '' }), /is invalid: operator_entity_id is empty$/],
      [
        JSON.stringify({ ...GOOD, period_start: '2026-02-12' }),
        /is invalid: period_start is not an RFC 3339 UTC timestamp: 2026-02-12$/,
      ],
      [
        JSON.stringify({ ...GOOD, period_end: '2026-02-11T00:00:00Z' }),
        /is invalid: period_end is not after period_start$/,
      ],
    ];
    for (const [content, message] of cases) {
      const err = await read(content).catch((e: unknown) => e);
      expect(err, String(content)).toBeInstanceOf(ManifestError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('reads contract 2; a caller that audits contract 1 only refuses it, naming both versions', async () => {
    expect(await read(JSON.stringify({ ...GOOD, contract: 2 }))).toEqual({ ...GOOD, contract: 2 });
    expect(await read(JSON.stringify(GOOD), [1])).toEqual(GOOD);
    const err = await read(JSON.stringify({ ...GOOD, contract: 2 }), [1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as Error).message).toMatch(
      /data contract 2 is not audited by this build \(it audits data contract 1\)/,
    );
  });
});
