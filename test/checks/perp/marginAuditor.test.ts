/**
 * The margin stream's auditor, as the pipeline builds it from the pack: PERP-3..7 read one margin ledger, which the
 * auditor applies between the rules that judge an event before it (PERP-3, PERP-7) and after it (PERP-4..6); a record
 * the ledger cannot apply fails closed for every check bound to it.
 */
import { describe, expect, it } from 'vitest';
import type { MarginEvent } from '#shared/contract/recordsV2.js';
import { MarginLedger } from '#shared/margin/marginLedger.js';
import { ev } from '../../margin/helpers.js';
import { deposit, events, MARGIN_RULES, runMargin, withdraw } from './marginHarness.js';

describe('the margin stream’s auditor', () => {
  it('declares PERP-3..7 on the margin replay, since contract 2', () => {
    expect(MARGIN_RULES.map((d) => [d.checks.join(), d.phase, d.since, d.scope, d.consumes.join()])).toEqual([
      ['PERP-3', 'beforeApply', 2, 'global', 'margin'],
      ['PERP-4', 'afterApply', 2, 'global', 'margin'],
      ['PERP-5', 'afterApply', 2, 'global', 'margin'],
      ['PERP-6', 'afterApply', 2, 'global', 'margin'],
      ['PERP-7', 'beforeApply', 2, 'global', 'margin'],
    ]);
  });

  it('applies the ledger once per event: the rules after it see the balance just after the event', () => {
    const r = runMargin(events(deposit('A', '5'), withdraw('A', '5'), withdraw('A', '0.1')));
    expect(r.ids('PERP-4')).toEqual(['m-3']);
    expect(r.only('PERP-4').evidence).toMatchObject({ balance_before: '0', balance_after: '-0.1' });
  });

  it('a record the ledger cannot apply is a critical rule error of every margin check, never a silent pass', () => {
    const broken = { ...ev(2, { event: 'fee', account_id: 'A', amount: '1' }), account_id: null } as MarginEvent;
    expect(() => new MarginLedger().apply(broken)).toThrow();
    const r = runMargin([...events(deposit('A', '5')), broken]);
    expect(r.findings.map((f) => `${f.check_id} ${f.subject} ${f.severity}`)).toEqual([
      'PERP-3 rule-error critical',
      'PERP-4 rule-error critical',
      'PERP-5 rule-error critical',
      'PERP-6 rule-error critical',
      'PERP-7 rule-error critical',
    ]);
    expect(r.population('PERP-4').notTested).toMatchObject({ 'check failed to run on a record': 1 });
  });
});
