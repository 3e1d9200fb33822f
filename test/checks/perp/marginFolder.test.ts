/**
 * "On a contract-2 dataset without a folder, the checks that need it report 'not tested' with that reason" (V2.md):
 * PERP-3..7 without `margin/`, counted 0 (the population is records, and none was delivered).
 */
import { describe, expect, it } from 'vitest';
import { NO_MARGIN_LEDGER } from '#shared/checks/perp/marginFindings.js';
import { RECORD_TYPES } from '#shared/contract/records.js';
import { marginReference, runMargin } from './marginHarness.js';

const MARGIN_CHECKS = ['PERP-3', 'PERP-4', 'PERP-5', 'PERP-6', 'PERP-7'];

describe('PERP-3..7 without a margin ledger', () => {
  it('each reports not tested, the margin/ folder absent, and nothing else', () => {
    const ref = marginReference({ folders: RECORD_TYPES.filter((t) => t !== 'margin') });
    const r = runMargin([], { ref });
    expect(r.findings).toEqual([]);
    for (const id of MARGIN_CHECKS) {
      expect(r.population(id), id).toEqual({ examined: 0, notTested: { [NO_MARGIN_LEDGER]: 0 } });
    }
    expect(NO_MARGIN_LEDGER).toContain('margin/ folder absent');
  });

  it('with the folder present but no records (all set aside by DQ-1, say), each says its population is empty', () => {
    const r = runMargin([], { ref: marginReference({ folders: ['margin'] }) });
    for (const id of MARGIN_CHECKS) {
      const p = r.population(id);
      expect(p.examined, id).toBe(0);
      expect(Object.keys(p.notTested), id).toHaveLength(1);
      expect(Object.keys(p.notTested)[0], id).toMatch(/in the margin ledger$/);
    }
  });
});
