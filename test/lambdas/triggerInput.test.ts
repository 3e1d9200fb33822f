import { describe, expect, it } from 'vitest';
import { StepInputError } from '#shared/pipeline/partition/errors.js';
import { defaultPackLocation, previousDay, resolveTrigger } from '#shared/pipeline/partition/triggerInput.js';

const settings = { rawBucket: 'raw-logs', datasetLayout: 'venue={venue}/date={date}/', timeZone: 'Asia/Hong_Kong' };

describe('nightly schedule', () => {
  it('audits the previous calendar day in Hong Kong time', () => {
    // 02:30 in Hong Kong on 13 Feb is 18:30 UTC on 12 Feb: the previous Hong Kong day is 12 Feb.
    expect(previousDay('2026-02-12T18:30:00Z', 'Asia/Hong_Kong')).toBe('2026-02-12');
    // The same instant in UTC is still 12 Feb, so the previous UTC day is 11 Feb.
    expect(previousDay('2026-02-12T18:30:00Z', 'UTC')).toBe('2026-02-11');
    // Month and year boundaries.
    expect(previousDay('2026-02-28T18:30:00Z', 'Asia/Hong_Kong')).toBe('2026-02-28');
    expect(previousDay('2026-03-01T01:00:00Z', 'Asia/Hong_Kong')).toBe('2026-02-28');
    expect(previousDay('2027-01-01T00:30:00+08:00', 'Asia/Hong_Kong')).toBe('2026-12-31');
  });

  it('builds the dataset prefix of the raw bucket from the venue and that day', () => {
    const t = resolveTrigger(
      { trigger: 'schedule', venue: 'HKVX', scheduled_time: '2026-02-12T18:30:00Z', time_zone: 'Asia/Hong_Kong' },
      settings,
    );
    expect(t).toEqual({ input: 's3://raw-logs/venue=HKVX/date=2026-02-12/' });
    const utc = resolveTrigger(
      { trigger: 'schedule', venue: 'X', scheduled_time: '2026-02-12T18:30:00Z' },
      {
        ...settings,
        timeZone: 'UTC',
      },
    );
    expect(utc.input).toBe('s3://raw-logs/venue=X/date=2026-02-11/');
  });

  it('refuses an unknown time zone or an unreadable scheduled time', () => {
    expect(() => previousDay('2026-02-12T18:30:00Z', 'Mars/Olympus')).toThrow(StepInputError);
    expect(() => previousDay('yesterday', 'UTC')).toThrow(StepInputError);
  });
});

describe('_READY marker', () => {
  it('audits the folder that holds the marker', () => {
    expect(
      resolveTrigger(
        { trigger: 'ready-marker', bucket: 'raw-logs', key: 'venue=HKVX/date=2026-02-12/_READY' },
        settings,
      ),
    ).toEqual({ input: 's3://raw-logs/venue=HKVX/date=2026-02-12/' });
  });

  it('refuses a marker at the bucket root (no dataset folder)', () => {
    expect(() => resolveTrigger({ trigger: 'ready-marker', bucket: 'raw-logs', key: '_READY' }, settings)).toThrow(
      StepInputError,
    );
  });
});

describe('on demand', () => {
  it('takes the dataset, the pack location and parameters as given', () => {
    expect(
      resolveTrigger(
        {
          trigger: 'on-demand',
          input: 's3://raw-logs/venue=HKVX/date=2026-02-12',
          out: 's3://evidence/packs/x/',
          parameters: { haircut_floor: '0.7' },
        },
        settings,
      ),
    ).toEqual({
      input: 's3://raw-logs/venue=HKVX/date=2026-02-12/',
      out: 's3://evidence/packs/x/',
      parameters: { haircut_floor: '0.7', eligible_va_collateral: ['BTC', 'ETH'], margin_call_within: 'PT1H' },
    });
  });

  it('refuses local folders, unknown triggers and invalid parameters, naming the problem', () => {
    expect(() => resolveTrigger({ trigger: 'on-demand', input: '/data/x' }, settings)).toThrow(/s3:\/\/ dataset root/);
    expect(() => resolveTrigger({ trigger: 'cron' }, settings)).toThrow(StepInputError);
    expect(() => resolveTrigger({ input: 's3://a/b' }, settings)).toThrow(StepInputError);
    expect(() =>
      resolveTrigger({ trigger: 'on-demand', input: 's3://raw-logs/x/', parameters: { haircut_floor: 0.6 } }, settings),
    ).toThrow(/parameters.haircut_floor/);
  });
});

it('puts packs under the evidence bucket by venue, period start date and run', () => {
  expect(defaultPackLocation('evidence', { runId: 'r-1', venue: 'HK VX', periodStart: '2026-02-12T00:00:00Z' })).toBe(
    's3://evidence/packs/venue=HK%20VX/date=2026-02-12/run=r-1/',
  );
});
