import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFindingsStore } from '#shared/store/openStore.js';
import { countsFor, DAY1, finding, runStart } from './harness.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vatp-open-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('openFindingsStore', () => {
  it('without AWS settings keeps findings and review statuses in the local data directory across restarts', async () => {
    const big = finding('r-1', 'HKVX', 'DQ-1', 'big', { evidence: { raw: 'z'.repeat(150_000) } });
    const fs = [finding('r-1', 'HKVX', 'CP-1', 't-1'), big];
    const first = await openFindingsStore({ env: {}, dataDir });
    expect(first.clients.config.mode).toBe('embedded');
    await first.store.startRun(runStart('r-1', 'HKVX'));
    await first.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, fs);
    await first.store.completeRun('r-1', countsFor(fs));
    await first.store.respond(fs[0]?.finding_id as string, {
      status: 'acknowledged',
      by: 'alice',
      at: '2026-02-15T00:00:00Z',
    });
    await first.close();

    const second = await openFindingsStore({ env: {}, dataDir });
    try {
      expect((await second.store.getRun('r-1'))?.status).toBe('completed');
      expect((await second.store.getFinding(fs[0]?.finding_id as string))?.status).toBe('acknowledged');
      expect((await second.store.getFinding(big.finding_id))?.evidence).toEqual(big.evidence);
    } finally {
      await second.close();
    }
  });
});
