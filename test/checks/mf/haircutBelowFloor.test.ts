import { describe, expect, it } from 'vitest';
import { events, pledge, run } from '../../collateral/harness.js';

describe('MF-2 haircut below the floor', () => {
  it('MF-2: haircuts of exactly 0.60, 0.6000 and 0.6, or above, are compliant', () => {
    const r = run(
      events(
        pledge({ haircut: '0.60' }),
        pledge({ haircut: '0.6000' }),
        pledge({ haircut: '0.6' }),
        pledge({ haircut: '0.75' }),
      ),
    );
    expect(r.ids('MF-2')).toEqual([]);
    expect(r.sink.population('MF-2').examined).toBe(4);
  });

  it('MF-2: a haircut of 0.59 (or 0.599999) is high', () => {
    const r = run(events(pledge({ haircut: '0.59' }), pledge({ haircut: '0.599999' })));
    expect(r.ids('MF-2')).toEqual(['c-1', 'c-2']);
    const f = r.findings.find((x) => x.subject === 'c-1');
    expect(f?.severity).toBe('high');
    expect(f?.evidence).toMatchObject({ haircut: '0.59', haircut_floor: '0.60' });
  });

  it('MF-2: ineligible virtual assets are checked too', () => {
    expect(run(events(pledge({ asset: 'WBTC', haircut: '0.5' }))).ids('MF-2')).toEqual(['c-1']);
  });

  it('MF-2: pledges of other asset classes may carry any haircut', () => {
    const r = run(events(pledge({ asset: 'USDT', asset_class: 'stablecoin', haircut: '0.05' })));
    expect(r.ids('MF-2')).toEqual([]);
  });

  it('MF-2: the floor is a parameter', () => {
    const r = run(events(pledge({ haircut: '0.65' }), pledge({ haircut: '0.7' })), {
      params: { haircut_floor: '0.7' },
    });
    expect(r.ids('MF-2')).toEqual(['c-1']);
  });
});
