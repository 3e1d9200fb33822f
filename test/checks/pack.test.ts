/**
 * The rule pack (cdk-nag's pack test): every check of the catalogue is reported by exactly one rule of the pack or by
 * the pipeline itself; each declaration says what its rule really does (the hooks it has, the replay it reads); the
 * declarations a distributed run relies on hold (symbol-scoped rules read only the order flow, a rule reading a
 * replay reads only that replay's stream).
 */
import { describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import {
  checkIdsOf,
  declarationsOf,
  PIPELINE_CHECKS,
  type ReplayStream,
  RULE_PACK,
  STREAM_REPLAYS,
  type StreamReplays,
} from '#shared/checks/pack.js';
import { type Consumed, HOOK_OF, type Rule } from '#shared/checks/rule.js';
import { EVENT_STREAMS, SYMBOL_STREAM, streamSpec } from '#shared/contract/streams.js';
import { refData } from '../audit/flow.js';

function replays(): StreamReplays {
  const ref = refData();
  return Object.fromEntries(
    Object.entries(STREAM_REPLAYS).map(([stream, make]) => [stream, make(ref)]),
  ) as unknown as StreamReplays;
}

const STREAM_HOOKS = Object.values(HOOK_OF);

describe('the rule pack', () => {
  it('reports exactly the checks of the catalogue, each from one place', () => {
    const ids = [...checkIdsOf(RULE_PACK), ...PIPELINE_CHECKS.reading, ...PIPELINE_CHECKS.sequence];
    expect([...ids].sort()).toEqual(CHECKS.map((c) => c.id).sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares of each rule the hooks it has, and creates fresh rules reporting its checks', () => {
    const r = replays();
    for (const d of RULE_PACK) {
      const rule = d.create(r);
      const hooks = STREAM_HOOKS.filter((h) => rule[h as keyof Rule] !== undefined).sort();
      expect(hooks, d.checks.join()).toEqual(d.consumes.map((c) => HOOK_OF[c]).sort());
      expect(rule.checks).toEqual(d.checks);
      expect(d.create(r)).not.toBe(rule);
    }
  });

  it('symbol-scoped rules read the order flow only, and can be carried over a checkpoint', () => {
    const orderFlow: readonly Consumed[] = streamSpec(SYMBOL_STREAM).records;
    const r = replays();
    for (const d of RULE_PACK.filter((x) => x.scope === 'symbol')) {
      for (const c of d.consumes) expect(orderFlow, d.checks.join()).toContain(c);
      expect([null, SYMBOL_STREAM]).toContain(d.replay);
      const rule = d.create(r);
      expect(typeof rule.saveState, d.checks.join()).toBe('function');
      expect(typeof rule.loadState, d.checks.join()).toBe('function');
    }
  });

  it('a rule reading a replay reads only that replay’s stream; the order book only per symbol', () => {
    for (const d of RULE_PACK.filter((x) => x.replay !== null)) {
      const stream = streamSpec(d.replay as ReplayStream);
      for (const c of d.consumes) expect(stream.records as readonly Consumed[], d.checks.join()).toContain(c);
      if (d.replay === SYMBOL_STREAM) {
        expect(d.scope).toBe('symbol');
        expect(d.phase).toBe('beforeApply');
      } else expect(d.scope).toBe('global');
    }
    for (const d of RULE_PACK.filter((x) => x.replay === null)) expect(d.phase).toBe('beforeApply');
  });

  it('every replay belongs to a stream of the contract', () => {
    const names = EVENT_STREAMS.map((s) => s.name as string);
    for (const stream of Object.keys(STREAM_REPLAYS)) expect(names).toContain(stream);
  });

  it('selects declarations by check id, refusing an id no rule reports', () => {
    expect(checkIdsOf(declarationsOf(['CP-2', 'MF-3']))).toEqual(['CP-1', 'CP-2', 'MF-3']);
    expect(() => declarationsOf(['DQ-1'])).toThrow(/no rule of the pack reports DQ-1/);
  });
});
