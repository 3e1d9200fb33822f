/** `vatp-audit runs list|accept` on the embedded store: output, exit codes and messages. */
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommandError } from '#shared/cli/exit.js';
import { registerRunsCommands } from '#shared/cli/runsCommands.js';
import type { Finding } from '#shared/contract/finding.js';
import { countsFor, DAY1, DAY2, finding, type Harness, openHarness, runStart } from './harness.js';

let h: Harness;
let lines: string[];
let errors: string[];
let closes: number;
const NOW = new Date('2026-02-20T08:30:00.000Z');

function cli(): Command {
  const program = new Command('vatp-audit').exitOverride();
  program.configureOutput({ writeErr: (s) => errors.push(s), writeOut: (s) => lines.push(s) });
  registerRunsCommands(program, {
    openStore: async () => ({
      store: h.store,
      close: async () => {
        closes += 1;
      },
    }),
    now: () => NOW,
    out: (line) => lines.push(line),
  });
  return program;
}

/** Exit code (0 when the command returned), stdout lines and stderr text of one invocation. */
async function runs(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  lines = [];
  errors = [];
  try {
    await cli().parseAsync(['node', 'vatp-audit', 'runs', ...args]);
    return { code: 0, out: lines, err: errors.join('') };
  } catch (e) {
    const code = reportCommandError(e, `runs ${args[0]}`, (l) => errors.push(`${l}\n`), { debug: false });
    return { code, out: lines, err: errors.join('') };
  }
}

async function fullRun(runId: string, findings: Finding[], period = DAY1, startedAt?: string) {
  await h.store.startRun(runStart(runId, 'HKVX', period, startedAt));
  await h.store.recordFindings({ run_id: runId, venue: 'HKVX', ...period }, findings);
  await h.store.completeRun(runId, countsFor(findings), { at: '2026-02-14T02:00:00Z' });
}

beforeEach(async () => {
  h = await openHarness();
  closes = 0;
  await fullRun('r-1', [
    finding('r-1', 'HKVX', 'CP-1', 't-1', { severity: 'critical' }),
    finding('r-1', 'HKVX', 'CP-1', 't-2'),
    finding('r-1', 'HKVX', 'MF-1', 'c-1', { severity: 'low' }),
  ]);
});
afterEach(async () => {
  await h.close();
});

describe('vatp-audit runs list', () => {
  it('prints each run: id, venue, period, status, findings by severity, started, draft or accepted', async () => {
    await fullRun('r-2', [], DAY2, '2026-02-15T01:00:00.000Z');
    await h.store.startRun(runStart('r-3', 'OTHR', DAY1, '2026-02-14T03:00:00.000Z'));
    const r = await runs('list');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^RUN\s+VENUE\s+PERIOD\s+STATUS\s+FINDINGS \(c h m l\)\s+STARTED\s+SIGN-OFF$/);
    expect(r.out[1]).toMatch(
      /^r-2\s+HKVX\s+2026-02-13T00:00:00Z to 2026-02-14T00:00:00Z\s+completed\s+0c 0h 0m 0l\s+2026-02-15T01:00:00.000Z\s+draft$/,
    );
    expect(r.out[2]).toMatch(/^r-3\s+OTHR\s+.*\s+running\s+-\s+2026-02-14T03:00:00.000Z\s+draft$/);
    expect(r.out[3]).toMatch(/^r-1\s+HKVX\s+.*\s+completed\s+1c 1h 0m 1l\s+2026-02-14T01:00:00.000Z\s+draft$/);
    expect(r.out.at(-1)).toBe('3 runs, 2 completed drafts');
    expect(closes).toBe(1);
  });

  it('--venue keeps one venue; --json prints one object a line; an empty store says so', async () => {
    await h.store.acceptRun('r-1', { by: 'J. Chan', at: NOW, note: 'checked' });
    await h.store.startRun(runStart('r-3', 'OTHR', DAY1, '2026-02-14T03:00:00.000Z'));
    const json = await runs('list', '--venue', 'HKVX', '--json');
    expect(json.code).toBe(0);
    expect(json.out.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        run_id: 'r-1',
        venue: 'HKVX',
        status: 'completed',
        acceptance: { by: 'J. Chan', at: NOW.toISOString(), note: 'checked' },
        findings: { critical: 1, high: 1, medium: 0, low: 1 },
        findings_total: 3,
      }),
    ]);
    expect((await runs('list', '--venue', 'HKVX')).out[1]).toMatch(
      /accepted by J\. Chan at 2026-02-20T08:30:00\.000Z$/,
    );
    expect((await runs('list', '--venue', 'NONE')).out).toEqual(['no runs']);
  });
});

describe('vatp-audit runs accept', () => {
  it('exits 0, records who and when (the CLI’s clock) and the note, and says it is the first for the period', async () => {
    const r = await runs('accept', 'r-1', '--by', 'J. Chan', '--note', 'February close');
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        `accepted run r-1 (HKVX, 2026-02-12T00:00:00Z to 2026-02-13T00:00:00Z) by J. Chan at ${NOW.toISOString()}`,
        'it is the first accepted run of this period',
        'retired no findings',
      ],
    });
    expect((await h.store.getRun('r-1'))?.acceptance).toEqual({
      by: 'J. Chan',
      at: NOW.toISOString(),
      note: 'February close',
    });
  });

  it('accepting a corrected run prints the run it supersedes and every finding it retired', async () => {
    await runs('accept', 'r-1', '--by', 'J. Chan');
    await fullRun('r-2', [finding('r-2', 'HKVX', 'CP-1', 't-1')], DAY1, '2026-02-14T05:00:00.000Z');
    const r = await runs('accept', 'r-2', '--by', 'M. Wong');
    expect(r.code).toBe(0);
    expect(r.out.slice(1)).toEqual([
      'it supersedes run r-1',
      'retired 2 findings of this period that run r-2 does not report (review status kept):',
      '  f-HKVX-2026-02-12-CP-1-t-2  CP-1  high  t-2',
      '  f-HKVX-2026-02-12-MF-1-c-1  MF-1  low  c-1',
    ]);
    const json = await runs('list', '--json');
    expect(JSON.parse(json.out[1] as string)).toMatchObject({ run_id: 'r-1', superseded_by: 'r-2' });
  });

  it('exits 2 with one line for an unknown run, a run not completed, and an already accepted run', async () => {
    const unknown = await runs('accept', 'r-nope', '--by', 'J. Chan');
    expect([unknown.code, unknown.err]).toEqual([2, 'vatp-audit runs accept: no run r-nope\n']);

    await h.store.startRun(runStart('r-running', 'HKVX', DAY1, '2026-02-14T06:00:00.000Z'));
    const running = await runs('accept', 'r-running', '--by', 'J. Chan');
    expect([running.code, running.err]).toEqual([
      2,
      'vatp-audit runs accept: run r-running is running; only a completed run can be accepted\n',
    ]);

    await h.store.failRun('r-running', 'boom');
    const failed = await runs('accept', 'r-running', '--by', 'J. Chan');
    expect([failed.code, failed.err]).toEqual([
      2,
      'vatp-audit runs accept: run r-running is failed; only a completed run can be accepted\n',
    ]);

    await runs('accept', 'r-1', '--by', 'J. Chan');
    const again = await runs('accept', 'r-1', '--by', 'M. Wong');
    expect([again.code, again.err]).toEqual([
      2,
      `vatp-audit runs accept: run r-1 was already accepted by J. Chan at ${NOW.toISOString()}\n`,
    ]);
    expect((await h.store.getRun('r-1'))?.acceptance?.by).toBe('J. Chan');
  });

  it('exits 2 without a name of who accepts', async () => {
    const blank = await runs('accept', 'r-1', '--by', ' ');
    expect([blank.code, blank.err]).toEqual([2, 'vatp-audit runs accept: --by must name who accepts the run\n']);
    const missing = await runs('accept', 'r-1');
    expect(missing.code).not.toBe(0); // commander's own error; main.ts exits 2 for it
    expect(missing.err).toMatch(/required option '--by <name>' not specified/);
    expect((await h.store.getRun('r-1'))?.acceptance).toBeNull();
  });
});
