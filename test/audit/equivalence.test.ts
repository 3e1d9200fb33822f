/**
 * The replay and the order-flow rules are tuned for speed (number quantities, compact closed orders, lookup memos,
 * population counters, bound hooks). None of it may change a verdict. These digests cover every finding (check,
 * subject, severity, title, detail, evidence) and every check's population on seeded synthetic flows with a high
 * violation rate; they were computed with the implementation before the speed work (commit 6faefe6) and are equal
 * for the current one. A deliberate change of a rule's wording or evidence changes them too: recompute them then
 * (`runReplayOnce(synthesizeOrderFlow(...)).digest`), after checking that only the intended text changed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLAY_BENCH, synthesizeOrderFlow } from '#shared/bench/orderFlowSynthesis.js';
import { runReplayOnce } from '#shared/bench/replayBench.js';

const PINNED: [events: number, depth: number, seed: number, digest: string, findings: number][] = [
  [20000, 300, 1, '62d22af63a9da830', 335],
  [20000, 300, 2, '9e4981a7b65c3374', 359],
  [30000, 50, 3, 'c8c5527fe92c983d', 521],
];

describe('order-flow verdicts after the speed work', () => {
  for (const [events, depth, seed, digest, findings] of PINNED) {
    it(`equal the pre-optimization findings and populations (seed ${seed}, ${events} events, depth ${depth})`, () => {
      const flow = synthesizeOrderFlow({ ...DEFAULT_REPLAY_BENCH, events, depth, seed, violationRate: 0.02 });
      const run = runReplayOnce(flow, 'all');
      expect(run.findings).toBe(findings);
      expect(run.digest).toBe(digest);
    });
  }
});
