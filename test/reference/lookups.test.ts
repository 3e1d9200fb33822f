/**
 * The rules' per-event helpers must answer exactly what they replace: the reference lookups with
 * their memo answer like the maps themselves, whatever the sequence of calls; population counters hand the sink the
 * same totals as per-event calls would; the blank-address shortcut of FS-5 agrees with trim().
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlank } from '#shared/checks/fs/sharedSourceIp.js';
import { PopulationCounter } from '#shared/checks/population.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { ReferenceLookups } from '#shared/reference/lookups.js';
import type { ReferenceData } from '#shared/reference/referenceData.js';
import { type AccountSpec, refData } from '../audit/flow.js';

const A: AccountSpec[] = [
  ['A-1', 'E-1', 'client'],
  ['A-2', 'E-2', 'affiliated_mm'],
  ['A-3', 'E-3', 'platform'],
];
const B: AccountSpec[] = [
  ['A-1', 'E-9', 'affiliated_mm'], // same id, another account in another dataset
  ['A-4', 'E-4', 'client'],
];

function withStaff(ref: ReferenceData, users: string[]): ReferenceData {
  return {
    ...ref,
    staff: new Map(users.map((u) => [u, { user_id: u, entity_id: `E-${u}`, function: 'risk' as const }])),
  };
}

describe('reference lookups with a memo', () => {
  it('answer like the maps for any sequence of ids and datasets (ids equal by value, not by identity)', () => {
    const refs = [withStaff(refData(A), ['u1', 'u2']), withStaff(refData(B), ['u2', 'u3'])];
    const lookups = refs.map((ref) => new ReferenceLookups(ref));
    const ids = ['A-1', 'A-2', 'A-3', 'A-4', 'X', 'BTC-USD', 'ETH-USD', 'u1', 'u2', 'u3'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom(...ids), fc.integer({ min: 0, max: 3 })), {
          maxLength: 60,
        }),
        (calls) => {
          for (const [r, id, what] of calls) {
            const ref = refs[r]!;
            const lookup = lookups[r]!;
            const fresh = `${id}`.slice(0); // possibly another string object with the same text
            if (what === 0) expect(lookup.account(fresh)).toBe(ref.accounts.get(id));
            else if (what === 1) expect(lookup.staff(fresh)).toBe(ref.staff.get(id));
            else if (what === 2) expect(lookup.instrument(fresh)).toBe(ref.instruments.get(id));
            else lookup.forget();
          }
        },
      ),
    );
  });

  it('rememberOrder answers for the same id only, and lookups of two datasets never share an answer', () => {
    const a = refData(A);
    const b = refData(B);
    const la = new ReferenceLookups(a);
    const lb = new ReferenceLookups(b);
    la.rememberOrder('A-1', a.accounts.get('A-1'), 'BTC-USD', a.instruments.get('BTC-USD'));
    expect(la.account('A-1')).toBe(a.accounts.get('A-1'));
    expect(lb.account('A-1')).toBe(b.accounts.get('A-1'));
    expect(lb.account('A-1')?.role).toBe('affiliated_mm');
    expect(la.account('A-1')?.role).toBe('client');
    la.rememberOrder('A-1', a.accounts.get('A-1'), 'BTC-USD', a.instruments.get('BTC-USD'));
    expect(la.account('A-2')).toBe(a.accounts.get('A-2'));
    expect(la.instrument('BTC-USD')).toBe(a.instruments.get('BTC-USD'));
    expect(la.instrument('NOPE')).toBeUndefined();
    la.forget();
    expect(la.account('A-1')).toBe(a.accounts.get('A-1'));
  });
});

describe('population counters', () => {
  it('hand the sink the same totals as per-event calls, reasons in first-seen order, nothing when nothing counted', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('examined', 'r1', 'r2', 'r3'), { maxLength: 50 }), (events) => {
        const direct = new FindingCollector();
        const flushed = new FindingCollector();
        const counter = new PopulationCounter('X-1');
        for (const e of events) {
          if (e === 'examined') {
            direct.examined('X-1');
            counter.examined++;
          } else {
            direct.notTested('X-1', e);
            counter.notTested(e);
          }
        }
        counter.flush(flushed);
        expect(flushed.population('X-1')).toEqual(direct.population('X-1'));
        expect(Object.keys(flushed.population('X-1').notTested)).toEqual(
          Object.keys(direct.population('X-1').notTested),
        );
        counter.flush(flushed); // a second flush adds nothing
        expect(flushed.population('X-1')).toEqual(direct.population('X-1'));
      }),
    );
  });

  it('does not call the sink when nothing was counted', () => {
    const calls: string[] = [];
    new PopulationCounter('X-1').flush({
      report: () => calls.push('report'),
      examined: () => calls.push('examined'),
      notTested: () => calls.push('notTested'),
    });
    expect(calls).toEqual([]);
  });
});

describe('FS-5 blank source_ip shortcut', () => {
  it('agrees with trim() on any text, unicode spaces included', () => {
    const spaces = [' ', '\t', '\n', '\u00a0', '\u2003', '\ufeff', '\u3000'];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...spaces), fc.string({ maxLength: 3 })), { maxLength: 5 }),
        (parts) => {
          const s = parts.join('');
          expect(isBlank(s)).toBe(s.trim() === '');
        },
      ),
      { numRuns: 2000 },
    );
    expect(isBlank('')).toBe(true);
    expect(isBlank('\u2003')).toBe(true);
    expect(isBlank(' 10.0.0.1')).toBe(false);
    expect(isBlank('10.0.0.1')).toBe(false);
  });
});
