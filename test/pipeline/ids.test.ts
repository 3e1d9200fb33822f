import { describe, expect, it } from 'vitest';
import { findingId, runId } from '#shared/pipeline/ids.js';

const period = { venue: 'HKVX', period_start: '2026-02-12T00:00:00Z', period_end: '2026-02-13T00:00:00Z' };

describe('deterministic identifiers', () => {
  it('finding_id depends on venue, period, check and subject only', () => {
    expect(findingId(period, 'CP-1', 't-1')).toBe(findingId({ ...period }, 'CP-1', 't-1'));
    expect(findingId(period, 'CP-1', 't-1')).not.toBe(findingId(period, 'CP-2', 't-1'));
    expect(findingId(period, 'CP-1', 't-1')).not.toBe(findingId({ ...period, venue: 'HKVY' }, 'CP-1', 't-1'));
    expect(findingId(period, 'CP-1', 't-1')).not.toBe(
      findingId({ ...period, period_end: '2026-02-14T00:00:00Z' }, 'CP-1', 't-1'),
    );
    expect(findingId(period, 'CP-1', 't-1')).toMatch(/^f-[0-9a-f]{32}$/);
  });

  it('run_id depends on input hashes, parameters and rules version, not on listing order', () => {
    const inputs = [
      { path: 'orders/a.jsonl', sha256: 'aa' },
      { path: 'trades/b.csv', sha256: 'bb' },
    ];
    const params = { haircut_floor: '0.60', eligible_va_collateral: ['BTC', 'ETH'], margin_call_within: 'PT1H' };
    const base = runId({ inputs, parameters: params, rules_version: '1' });
    expect(runId({ inputs: [...inputs].reverse(), parameters: params, rules_version: '1' })).toBe(base);
    expect(runId({ inputs, parameters: { ...params, haircut_floor: '0.65' }, rules_version: '1' })).not.toBe(base);
    expect(runId({ inputs, parameters: params, rules_version: '2' })).not.toBe(base);
    expect(
      runId({ inputs: [{ ...inputs[0]!, sha256: 'ab' }, inputs[1]!], parameters: params, rules_version: '1' }),
    ).not.toBe(base);
  });
});
