/**
 * The run's opening, shared by the single-process run, the bench and the Plan step: the run is recorded `running`
 * under its deterministic id before the reference data are read (so a run that crashes later is visible), a failure
 * after that marks it failed, and an unusable root is a usage error before anything is recorded.
 */

import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES_VERSION } from '#shared/checks/catalogue.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { UsageError } from '#shared/pipeline/errors.js';
import { runId } from '#shared/pipeline/ids.js';
import { openRun } from '#shared/pipeline/openRun.js';
import { WORKED_EXAMPLE as EXAMPLE } from '../fixtures/workedExample.js';
import { type Harness, openHarness } from '../store/harness.js';

const noS3 = () => {
  throw new Error('no S3 in this test');
};

let h: Harness;
let work: string;
beforeAll(async () => {
  h = await openHarness();
  work = await mkdtemp(join(tmpdir(), 'vatp-open-'));
});
afterAll(async () => {
  await h.close();
  await rm(work, { recursive: true, force: true });
});

describe('openRun', () => {
  it('hashes, derives the run id, records the run as running, then loads the reference data', async () => {
    const at = new Date('2026-02-13T01:00:00Z');
    const run = await openRun(
      { input: EXAMPLE, parameters: DEFAULT_PARAMETERS, toolVersion: 'test' },
      { s3: noS3, store: h.store, now: () => at },
      { scanOrder: true },
    );
    expect(run.runId).toBe(
      runId({ inputs: run.inputHashes, parameters: DEFAULT_PARAMETERS, rules_version: RULES_VERSION }),
    );
    expect(run.inputHashes.map((f) => f.path)).toEqual(run.listed.map((f) => f.path));
    expect(run.inOrder.get('orders/orders-1.jsonl')).toBe(true);
    expect(run.ref.accounts.size).toBeGreaterThan(0);
    expect(run.quarantine).toEqual([]);
    expect(run.fileStats.map((s) => s.path).sort()).toEqual(
      ['accounts/accounts.jsonl', 'instruments/instruments.jsonl', 'staff/staff.csv', 'wallets/wallets.jsonl'].sort(),
    );
    const stored = await h.store.getRun(run.runId);
    expect(stored).toMatchObject({ status: 'running', venue: run.manifest.venue, started_at: at.toISOString() });
  });

  it('marks the run failed when the opening fails after recording it', async () => {
    const root = join(work, 'vanishing');
    await cp(EXAMPLE, root, { recursive: true });
    // The clock is read once the inputs are hashed: the accounts file disappears between hashing and reading.
    const now = () => {
      rmSync(join(root, 'accounts', 'accounts.jsonl'), { force: true });
      return new Date('2026-02-13T01:00:00Z');
    };
    let id: string | undefined;
    const failing = openRun(
      { input: root, parameters: DEFAULT_PARAMETERS, toolVersion: 'test' },
      {
        s3: noS3,
        store: {
          startRun: async (r: Parameters<typeof h.store.startRun>[0]) => {
            id = r.run_id;
            return h.store.startRun(r);
          },
          failRun: (...a: Parameters<typeof h.store.failRun>) => h.store.failRun(...a),
        } as unknown as typeof h.store,
        now,
      },
    );
    await expect(failing).rejects.toThrow(/accounts/);
    expect(id).toBeDefined();
    expect(await h.store.getRun(id!)).toMatchObject({ status: 'failed' });
  });

  it('refuses an unusable root as a usage error, before recording anything', async () => {
    await expect(
      openRun(
        { input: join(work, 'does-not-exist'), parameters: DEFAULT_PARAMETERS, toolVersion: 'test' },
        { s3: noS3, store: h.store, now: () => new Date() },
      ),
    ).rejects.toThrow(UsageError);
  });
});
