import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommandError } from '#shared/cli/exit.js';
import { registerFindingsCommands } from '#shared/cli/findingsCommands.js';
import { findingJsonLine } from '#shared/store/findingJson.js';
import { countsFor, DAY1, finding, type Harness, openHarness, runStart } from './harness.js';

let h: Harness;
let lines: string[];
let errors: string[];
let closes: number;
const NOW = new Date('2026-02-20T08:30:00.000Z');

function cli(): Command {
  const program = new Command('vatp-audit').exitOverride();
  program.configureOutput({ writeErr: (s) => errors.push(s), writeOut: (s) => lines.push(s) });
  registerFindingsCommands(program, {
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

async function run(...args: string[]): Promise<string[]> {
  lines = [];
  await cli().parseAsync(['node', 'vatp-audit', ...args]);
  return lines;
}

/** The exit code and message as the command line gives them (exit.ts maps every error in one place). */
async function exitCode(...args: string[]): Promise<number> {
  try {
    await run(...args);
    return 0;
  } catch (err) {
    return reportCommandError(err, args.slice(0, 2).join(' '), (l) => errors.push(l), { debug: false });
  }
}

const FINDINGS = [
  finding('r-1', 'HKVX', 'MF-1', 'c-1', { severity: 'medium', account_id: 'C-1' }),
  finding('r-1', 'HKVX', 'CP-1', 't-2', { severity: 'critical' }),
  finding('r-1', 'HKVX', 'CP-1', 't-10'),
];

beforeEach(async () => {
  h = await openHarness();
  lines = [];
  errors = [];
  closes = 0;
  await h.store.startRun(runStart('r-1', 'HKVX'));
  await h.store.recordFindings({ run_id: 'r-1', venue: 'HKVX', ...DAY1 }, FINDINGS);
  await h.store.completeRun('r-1', countsFor(FINDINGS));
});
afterEach(async () => {
  await h.close();
});

describe('vatp-audit findings list', () => {
  it('--run --json prints exactly the run’s findings.jsonl lines, sorted by check_id then subject', async () => {
    const findingsJsonl = `${[FINDINGS[2], FINDINGS[1], FINDINGS[0]].map((f) => findingJsonLine(f as never)).join('\n')}\n`;
    const out = await run('findings', 'list', '--run', 'r-1', '--json');
    expect(`${out.join('\n')}\n`).toBe(findingsJsonl);
    expect(closes).toBe(1);
  });

  it('--run --json prints nothing for a run without findings', async () => {
    expect(await run('findings', 'list', '--run', 'r-empty', '--json')).toEqual([]);
  });

  it('filters by status, severity, check, account, venue and dates', async () => {
    await run('findings', 'respond', FINDINGS[1]?.finding_id as string, '--status', 'acknowledged', '--by', 'alice');
    const subjects = async (...args: string[]) =>
      (await run('findings', 'list', '--json', ...args)).map((l) => JSON.parse(l).subject);
    expect(await subjects('--status', 'acknowledged')).toEqual(['t-2']);
    expect(await subjects('--venue', 'HKVX', '--status', 'open')).toEqual(['t-10', 'c-1']);
    expect(await subjects('--severity', 'medium')).toEqual(['c-1']);
    expect(await subjects('--check', 'CP-1')).toEqual(['t-10', 't-2']);
    expect(await subjects('--account', 'C-1')).toEqual(['c-1']);
    expect(await subjects('--check', 'CP-1', '--from', '2026-02-12', '--to', '2026-02-13')).toEqual(['t-10', 't-2']);
    expect(await subjects('--check', 'CP-1', '--from', '2026-02-13')).toEqual([]);
    const full = JSON.parse((await run('findings', 'list', '--json', '--status', 'acknowledged'))[0] as string);
    expect(full).toMatchObject({
      status: 'acknowledged',
      version: 1,
      period_start: DAY1.period_start,
      history: [{ status: 'acknowledged', by: 'alice', at: NOW.toISOString(), note: null }],
    });
  });

  it('prints a table for people', async () => {
    const out = await run('findings', 'list', '--run', 'r-1');
    expect(out[0]).toMatch(/^CHECK\s+SEVERITY\s+STATUS\s+VENUE\s+PERIOD\s+SUBJECT\s+ACCOUNT\s+FINDING\s+TITLE$/);
    expect(out[1]).toMatch(
      /^CP-1\s+high\s+open\s+HKVX\s+2026-02-12\s+t-10\s+MM-1\s+f-HKVX-2026-02-12-CP-1-t-10\s+CP-1 on t-10$/,
    );
    expect(out.at(-1)).toBe('3 findings');
    expect(await run('findings', 'list', '--venue', 'NONE')).toEqual(['no findings']);
  });

  it('rejects unusable options with exit code 2', async () => {
    expect(await exitCode('findings', 'list', '--severity', 'urgent')).toBe(2);
    expect(await exitCode('findings', 'list', '--status', 'closed')).toBe(2);
    expect(await exitCode('findings', 'list', '--from', '12/02/2026')).toBe(2);
    expect(await exitCode('findings', 'list', '--from', '2026-02-13', '--to', '2026-02-12')).toBe(2);
    expect(errors.at(-1)).toBe('vatp-audit findings list: --from must be before --to');
    expect(errors.slice(0, 2)).toEqual([
      'vatp-audit findings list: --severity must be one of critical, high, medium, low, not "urgent"',
      'vatp-audit findings list: --status must be one of open, acknowledged, remediated, false_positive, accepted_risk, not "closed"',
    ]);
  });
});

describe('vatp-audit findings respond', () => {
  it('records the response with the time given by the CLI and keeps the history', async () => {
    const id = FINDINGS[0]?.finding_id as string;
    const out = await run('findings', 'respond', id, '--status', 'acknowledged', '--by', 'alice', '--note', 'seen');
    expect(out).toEqual([`${id}: acknowledged (response 1, by alice at ${NOW.toISOString()})`]);
    await run('findings', 'respond', id, '--status', 'accepted_risk', '--by', 'bob', '--note', 'board approved');
    const shown = await run('findings', 'show', id);
    expect(shown[0]).toBe(`${id}  MF-1  medium  accepted_risk`);
    expect(shown.slice(-2)).toEqual([
      `  ${NOW.toISOString()}  alice: acknowledged — seen`,
      `  ${NOW.toISOString()}  bob: accepted_risk — board approved`,
    ]);
  });

  it('exits 2 for an unknown finding, a bad status, a missing responder or a missing note', async () => {
    const id = FINDINGS[0]?.finding_id as string;
    expect(await exitCode('findings', 'respond', 'f-nope', '--status', 'acknowledged', '--by', 'a')).toBe(2);
    expect(await exitCode('findings', 'respond', id, '--status', 'done', '--by', 'a')).toBe(2);
    expect(await exitCode('findings', 'respond', id, '--status', 'acknowledged', '--by', ' ')).toBe(2);
    expect(await exitCode('findings', 'respond', id, '--status', 'false_positive', '--by', 'a')).toBe(2);
    expect(await exitCode('findings', 'respond', id, '--status', 'acknowledged')).not.toBe(0);
    expect((await h.store.getFinding(id))?.version).toBe(0);
    expect(await exitCode('findings', 'show', 'f-nope')).toBe(2);
    expect(errors.at(-1)).toBe('vatp-audit findings show: no finding f-nope');
  });
});
