/** The compact rows of a run's findings and the answered statuses of a venue and period (the workbench's table). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countsFor, DAY1, DAY2, finding, type Harness, openHarness, runStart } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => h.close());

async function completedRun(runId: string, venue: string, subjects: string[], period = DAY1) {
  const fs = subjects.map((s, i) =>
    finding(runId, venue, i % 2 === 0 ? 'CP-1' : 'MF-2', s, {
      period,
      severity: i % 2 === 0 ? 'critical' : 'medium',
      account_id: i === 0 ? null : `C-${i}`,
      symbol: i === 1 ? null : 'ETH-USD',
      ts: i === 2 ? null : '2026-02-12T03:11:09.000120Z',
    }),
  );
  await h.store.startRun(runStart(runId, venue, period));
  await h.store.recordFindings(runStart(runId, venue, period), fs);
  await h.store.completeRun(runId, countsFor(fs), { at: '2026-02-14T02:00:00Z' });
  return fs;
}

describe('runFindingRows', () => {
  it("gives every finding of the run, with exactly the table's fields, nulls kept", async () => {
    const fs = await completedRun('run-a', 'HKVX', ['T-1', 'T-2', 'T-3', 'T-4']);
    await completedRun('run-b', 'HKVX', ['T-9']);
    const rows = await h.store.runFindingRows('run-a');
    expect(rows.map((r) => r.finding_id).sort()).toEqual(fs.map((f) => f.finding_id).sort());
    const first = rows.find((r) => r.subject === 'T-1');
    expect(first).toEqual({
      finding_id: fs[0]?.finding_id,
      check_id: 'CP-1',
      severity: 'critical',
      subject: 'T-1',
      account_id: null,
      symbol: 'ETH-USD',
      ts: '2026-02-12T03:11:09.000120Z',
    });
    expect(rows.find((r) => r.subject === 'T-2')?.symbol).toBeNull();
    expect(rows.find((r) => r.subject === 'T-3')?.ts).toBeNull();
    expect(await h.store.runFindingRows('no-such-run')).toEqual([]);
  });
});

describe('answeredStatuses', () => {
  it('gives the status of every answered finding of the venue and period, and nothing for the open ones', async () => {
    const fs = await completedRun('run-a', 'HKVX', ['T-1', 'T-2', 'T-3']);
    const other = await completedRun('run-c', 'HKVX', ['T-1'], DAY2);
    const elsewhere = await completedRun('run-d', 'OTHER', ['T-1']);
    const at = '2026-02-15T00:00:00Z';
    await h.store.respond(fs[0]?.finding_id ?? '', { status: 'acknowledged', by: 'A', at });
    await h.store.respond(fs[1]?.finding_id ?? '', { status: 'false_positive', by: 'B', at, note: 'test data' });
    await h.store.respond(fs[2]?.finding_id ?? '', { status: 'remediated', by: 'C', at });
    // Answered, then set open again: open, so absent.
    await h.store.respond(fs[2]?.finding_id ?? '', { status: 'open', by: 'C', at });
    await h.store.respond(other[0]?.finding_id ?? '', { status: 'remediated', by: 'D', at });
    await h.store.respond(elsewhere[0]?.finding_id ?? '', { status: 'remediated', by: 'D', at });
    const answered = await h.store.answeredStatuses('HKVX', DAY1);
    expect(Object.fromEntries(answered)).toEqual({
      [fs[0]?.finding_id ?? '']: 'acknowledged',
      [fs[1]?.finding_id ?? '']: 'false_positive',
    });
    // Another spelling of the same instants names the same period.
    const spelled = await h.store.answeredStatuses('HKVX', {
      period_start: '2026-02-12T00:00:00.000Z',
      period_end: '2026-02-13T00:00:00.000Z',
    });
    expect(spelled.size).toBe(2);
  });
});
