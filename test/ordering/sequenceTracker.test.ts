import { describe, expect, it } from 'vitest';
import { FindingCollector } from '#shared/findings/collector.js';
import { SequenceTracker } from '#shared/ordering/sequenceTracker.js';

function track(stream: 'orders+trades' | 'collateral', seqs: number[]) {
  const sink = new FindingCollector();
  const t = new SequenceTracker(stream, sink);
  for (const [i, seq] of seqs.entries()) {
    t.observe(seq, { file: `f${i % 2}.jsonl`, line: i + 1, ts: `2026-02-12T00:00:0${i % 10}Z` });
  }
  t.finish();
  return sink;
}

describe('SequenceTracker', () => {
  it('DQ-2/DQ-4: a unique, gap-free sequence has no finding; every seq is examined', () => {
    const sink = track('orders+trades', [4, 5, 6, 7]);
    expect(sink.findings()).toEqual([]);
    expect(sink.population('DQ-2')).toEqual({ examined: 4, notTested: {} });
    expect(sink.population('DQ-4')).toEqual({ examined: 4, notTested: {} });
  });

  it('DQ-2: a seq that appears more than once is one high finding per seq, with every occurrence', () => {
    const sink = track('orders+trades', [1, 2, 2, 2, 3, 4, 4]);
    const f = sink.findings().filter((x) => x.check_id === 'DQ-2');
    expect(f.map((x) => [x.subject, x.severity, x.seq])).toEqual([
      ['orders+trades:2', 'high', 2],
      ['orders+trades:4', 'high', 4],
    ]);
    expect(f[0]!.evidence).toMatchObject({
      occurrences: 3,
      records: [
        { file: 'f1.jsonl', line: 2 },
        { file: 'f0.jsonl', line: 3 },
        { file: 'f1.jsonl', line: 4 },
      ],
    });
    expect(f[1]!.evidence).toMatchObject({ occurrences: 2 });
    expect(sink.findings().filter((x) => x.check_id === 'DQ-4')).toEqual([]);
  });

  it('DQ-4: each gap between lowest and highest seq is one finding from..to inclusive; one missing seq is n-n', () => {
    const sink = track('collateral', [10, 11, 13, 17, 17, 18]);
    const f = sink.findings().filter((x) => x.check_id === 'DQ-4');
    expect(f.map((x) => [x.subject, x.severity])).toEqual([
      ['collateral:12-12', 'high'],
      ['collateral:14-16', 'high'],
    ]);
    expect(f[1]!.evidence).toMatchObject({ from: 14, to: 16, missing: 3, before: { seq: 13 }, after: { seq: 17 } });
    expect(f[1]!.detail).toContain('14 to 16');
    expect(
      sink
        .findings()
        .filter((x) => x.check_id === 'DQ-2')
        .map((x) => x.subject),
    ).toEqual(['collateral:17']);
  });

  it('DQ-4: the sequence need not start at 0 or 1 (gaps only between lowest and highest)', () => {
    expect(track('orders+trades', [1000, 1001]).findings()).toEqual([]);
    expect(track('orders+trades', [0]).findings()).toEqual([]);
  });

  it('DQ-2/DQ-4: a sequence with no record is "not tested"', () => {
    const sink = track('collateral', []);
    expect(sink.population('DQ-2')).toEqual({ examined: 0, notTested: { 'no collateral records': 0 } });
    expect(sink.population('DQ-4').notTested).toEqual({ 'no collateral records': 0 });
  });

  it('refuses a seq out of order (the tracker must be fed the sorted stream)', () => {
    const t = new SequenceTracker('collateral', new FindingCollector());
    t.observe(5, { file: 'a', line: 1 });
    expect(() => t.observe(4, { file: 'a', line: 2 })).toThrow(/not in order/);
  });
});
