/**
 * The command line's rules, without a process: every bad argument is exit 2 with one line naming it (exit.ts maps
 * errors in one place), date ranges of `report`, config values, where a pack may be written, the data home, and
 * output that ends quietly when its reader goes away.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { debugEnabled, exitCodeOf, reportCommandError } from '#shared/cli/exit.js';
import { lineWriter } from '#shared/cli/lineWriter.js';
import { contains, prepareOutput } from '#shared/cli/outputLocation.js';
import { reportRange } from '#shared/cli/reportCommand.js';
import { ConfigError } from '#shared/config/errors.js';
import { parseParameters } from '#shared/config/loadParameters.js';
import { VatpAuditError, VatpAuditUsageError } from '#shared/errors.js';
import { ManifestError } from '#shared/ingest/errors.js';
import { dataHome } from '#shared/local/dataHome.js';
import { RunNotFoundError, StoreWriteError } from '#shared/store/errors.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-args-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function reported(error: unknown, command = 'run', debug = false): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = reportCommandError(error, command, (l) => lines.push(l), { debug });
  return { code, lines };
}

describe('errors become an exit code and one line, in one place', () => {
  it('exit 2 for what the user fixes, 1 for failures, commander argument errors 2 and --help 0', () => {
    expect(reported(new ManifestError('manifest.json is missing'))).toEqual({
      code: 2,
      lines: ['vatp-audit run: manifest.json is missing'],
    });
    expect(reported(new RunNotFoundError('r-x'), 'findings list').code).toBe(2);
    expect(reported(new StoreWriteError('2 items unwritten'), 'findings respond')).toEqual({
      code: 1,
      lines: ['vatp-audit findings respond failed: 2 items unwritten'],
    });
    const sdk = Object.assign(new Error('The provided key element does not match\nthe schema'), {
      name: 'ValidationException',
    });
    expect(reported(sdk, 'report')).toEqual({
      code: 1,
      lines: ['vatp-audit report failed: ValidationException: The provided key element does not match the schema'],
    });
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'error: unknown option'))).toBe(2);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeOf(new TypeError('x'))).toBe(1);
  });

  it('prints the stack trace and causes only with VATP_AUDIT_DEBUG', () => {
    const error = new VatpAuditError('outer', { cause: new Error('inner') });
    expect(reported(error).lines).toHaveLength(1);
    const debug = reported(error, 'run', true).lines.join('\n');
    expect(debug).toMatch(/^vatp-audit run failed: outer\nVatpAuditError: outer\n\s+at /);
    expect(debug).toMatch(/caused by:\nError: inner/);
    expect([
      debugEnabled({ VATP_AUDIT_DEBUG: '1' }),
      debugEnabled({ VATP_AUDIT_DEBUG: '0' }),
      debugEnabled({}),
    ]).toEqual([true, false, false]);
  });
});

describe('report --from/--to', () => {
  it('takes days (--to inclusive) and timestamps (--to exclusive)', () => {
    expect(reportRange('2026-02-01', '2026-02-28')).toEqual({
      from: '2026-02-01T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
    });
    expect(reportRange('2026-02-12', '2026-02-12')).toEqual({
      from: '2026-02-12T00:00:00Z',
      to: '2026-02-13T00:00:00Z',
    });
    expect(reportRange('2026-02-12T01:00:00Z', '2026-02-12T02:00:00Z').to).toBe('2026-02-12T02:00:00Z');
  });

  it('refuses reversed, empty and unreadable ranges (exit 2, one line)', () => {
    const message = (from: string, to: string) => {
      try {
        reportRange(from, to);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(VatpAuditUsageError);
        return reported(e, 'report').lines.join('\n');
      }
    };
    expect(message('2026-02-28', '2026-02-01')).toBe(
      'vatp-audit report: --from 2026-02-28 is after --to 2026-02-01: the range is reversed',
    );
    expect(message('2026-02-12T00:00:00Z', '2026-02-12T00:00:00Z')).toBe(
      'vatp-audit report: --from and --to are both 2026-02-12T00:00:00Z: the range is empty (--to is exclusive)',
    );
    expect(message('2026-02-13T00:00:00Z', '2026-02-12')).toMatch(/the range is reversed$/);
    expect(message('2026-02-30', '2026-03-01')).toBe('vatp-audit report: --from 2026-02-30 is not a date');
    expect(message('yesterday', '2026-03-01')).toMatch(/--from yesterday is not a date \(YYYY-MM-DD\) or an RFC 3339/);
  });
});

describe('--config parameters', () => {
  const problem = (json: unknown) => {
    try {
      parseParameters(json, 'config file p.json');
      return 'accepted';
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect(exitCodeOf(e)).toBe(2);
      return (e as Error).message;
    }
  };

  it('haircut_floor: a decimal string from 0 to 1; a JSON number gets the string to write', () => {
    expect(problem({ haircut_floor: '1.5' })).toBe('config file p.json: haircut_floor must be from 0 to 1, not 1.5');
    expect(problem({ haircut_floor: '-0.2' })).toBe('config file p.json: haircut_floor must be from 0 to 1, not -0.2');
    expect(problem({ haircut_floor: 0.6 })).toBe(
      'config file p.json: haircut_floor must be a decimal string, e.g. "0.6" (JSON numbers lose precision)',
    );
    expect(problem({ haircut_floor: '0,6' })).toBe(
      'config file p.json: haircut_floor must be a decimal string such as "0.6", not the text "0,6"',
    );
    expect(problem({ haircut_floor: '1' })).toBe('accepted');
    expect(problem({ haircut_floor: '0' })).toBe('accepted');
  });

  it('margin_call_within a positive ISO 8601 duration; eligible_va_collateral non-empty ids; no unknown keys', () => {
    expect(problem({ margin_call_within: 'PT0S' })).toBe(
      'config file p.json: margin_call_within must be longer than zero, not PT0S',
    );
    expect(problem({ margin_call_within: '1h' })).toMatch(/margin_call_within must be an ISO 8601 duration/);
    expect(problem({ margin_call_within: 3600 })).toMatch(/margin_call_within must be an ISO 8601 duration string/);
    expect(problem({ margin_call_within: 'P1DT12H' })).toBe('accepted');
    expect(problem({ eligible_va_collateral: [] })).toMatch(/eligible_va_collateral must name at least one id/);
    expect(problem({ eligible_va_collateral: ['BTC', ''] })).toMatch(/eligible_va_collateral\[1\] must be an id/);
    expect(problem({ haircut: '0.6' })).toBe(
      'config file p.json: unknown parameter "haircut" (known: haircut_floor, eligible_va_collateral, margin_call_within, perp_margin_classes, valuation_max_gap, funding_decimals)',
    );
  });
});

describe('--out', () => {
  const refusal = async (
    out: string,
    force: boolean,
    guarded = [] as Parameters<typeof prepareOutput>[1]['guarded'],
  ) => {
    try {
      await prepareOutput(openOutputSink(out), { option: '--out', force, guarded, cwd: work, home: '/nonexistent' });
      return 'accepted';
    } catch (e) {
      expect(exitCodeOf(e)).toBe(2);
      return reported(e).lines.join('\n');
    }
  };

  it('refuses a file and a non-empty folder, naming what is there; accepts a new or empty folder', async () => {
    await writeFile(join(work, 'a-file'), 'x');
    expect(await refusal(join(work, 'a-file'), false)).toBe(
      `vatp-audit run: --out ${work}/a-file is a file, not a folder`,
    );
    expect(await refusal(join(work, 'a-file'), true)).toMatch(/is a file, not a folder$/);
    const full = join(work, 'full');
    await mkdir(join(full, 'sub'), { recursive: true });
    for (const n of ['a.txt', 'b.txt', 'c.txt', '.hidden']) await writeFile(join(full, n), n);
    expect(await refusal(full, false)).toBe(
      `vatp-audit run: --out ${full} is not empty (.hidden, a.txt, b.txt, …): give a new or empty location, or add --force to delete what is there first`,
    );
    await mkdir(join(work, 'empty'));
    expect(await refusal(join(work, 'empty'), false)).toBe('accepted');
    expect(await refusal(join(work, 'new', 'deeper'), false)).toBe('accepted');
  });

  it('--force empties the folder, only it, and only when the pack is written', async () => {
    const out = join(work, 'forced');
    await mkdir(join(out, 'old'), { recursive: true });
    await writeFile(join(out, 'old', 'x'), 'x');
    await writeFile(join(work, 'forced-sibling'), 'keep');
    const sink = await prepareOutput(openOutputSink(out), { option: '--out', force: true, guarded: [] });
    expect(await readdir(out)).toEqual(['old']); // nothing deleted before the first write
    await sink.write('findings.jsonl', '');
    expect(await readdir(out)).toEqual(['findings.jsonl']);
    expect(await readdir(work)).toContain('forced-sibling');
  });

  it('never writes a pack into the input, and --force never empties the input, the data home or the current folder', async () => {
    const input = join(work, 'dataset');
    await mkdir(join(input, 'orders'), { recursive: true });
    await writeFile(join(input, 'manifest.json'), '{}');
    const guarded = [
      { location: input, what: 'the input dataset', noPackInside: true },
      { location: join(work, 'home', '.vatp-audit'), what: 'the data home', noPackInside: false },
    ];
    expect(await refusal(join(input, 'pack'), false, guarded)).toBe(
      `vatp-audit run: --out ${input}/pack is inside the input dataset (${input}): choose a location outside it`,
    );
    expect(await refusal(work, true, guarded)).toMatch(/--force will not empty .*: it holds the input dataset/);
    await mkdir(join(work, 'home', '.vatp-audit'), { recursive: true });
    await writeFile(join(work, 'home', '.vatp-audit', 'signing-key.pem'), 'k');
    expect(await refusal(join(work, 'home'), true, guarded.slice(1))).toMatch(/it holds the data home/);
    expect(await refusal(join(work, 'full'), true, [])).toBe('accepted');
    expect(await refusal(work, true, [])).toMatch(/it is the current folder or holds it$/);
  });

  it('compares s3:// locations by bucket and key prefix, never a sibling prefix', () => {
    expect(contains('s3://bkt/packs/a', 's3://bkt/packs/a/x')).toBe(true);
    expect(contains('s3://bkt/packs/a/', 's3://bkt/packs/a')).toBe(true);
    expect(contains('s3://bkt/packs/a', 's3://bkt/packs/ab')).toBe(false);
    expect(contains('s3://bkt', 's3://bkt/any')).toBe(true);
    expect(contains('s3://bkt/p', 's3://cat/p')).toBe(false);
    expect(contains('/data', 's3://data/x')).toBe(false);
  });
});

describe('the data home', () => {
  it('is VATP_AUDIT_HOME, else ~/.vatp-audit, whatever the current folder', () => {
    expect(dataHome({ VATP_AUDIT_HOME: '/srv/audit' }, () => '/home/u')).toBe('/srv/audit');
    expect(dataHome({}, () => '/home/u')).toBe('/home/u/.vatp-audit');
    expect(dataHome({ VATP_AUDIT_HOME: '  ' }, () => '/home/u')).toBe('/home/u/.vatp-audit');
  });
});

describe('output piped into a reader that leaves', () => {
  it('drops later lines after EPIPE and keeps the exit code', async () => {
    const written: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        if (written.length === 1) cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        else {
          written.push(String(chunk));
          cb();
        }
      },
    });
    process.exitCode = undefined;
    const out = lineWriter(stream);
    out('first');
    out('second'); // the reader has gone: EPIPE
    await new Promise((r) => setImmediate(r));
    out('third');
    expect(written).toEqual(['first\n']);
    expect(process.exitCode).toBeUndefined();
  });
});
