/**
 * Progress bars: each stage's bar is full when the stage ends; the order-flow bar counts records replayed (so it moves
 * during the replay, also after a stream out of seq order was read whole), starting from the hashing read's line
 * counts and made exact by each file's accepted records; the store's bar counts findings written.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalProgress } from '#shared/cli/progressBars.js';
import type { DatasetLayout } from '#shared/ingest/layout.js';
import type { FileStats } from '#shared/ingest/readRecords.js';
import { EventStreamProgress, ORDER_FLOW_STAGE, type RunProgress } from '#shared/pipeline/progress.js';

/** A RunProgress that records what it is told, with the value and total a bar would show. */
function recorder() {
  const events: string[] = [];
  const state = { value: 0, total: 0 };
  const p: RunProgress = {
    stage(name, total, unit = 'bytes') {
      events.push(`stage ${name} ${total} ${unit}`);
      state.value = 0;
      state.total = total;
    },
    advance(n) {
      state.value += n;
    },
    resize(total) {
      events.push(`resize ${total}`);
      state.total = total;
    },
    filesRead(read, of) {
      events.push(`files ${read}/${of}`);
    },
    done() {
      events.push('done');
    },
  };
  return { p, events, state };
}

const layout = {
  records: {
    orders: [{ path: 'orders/a.jsonl' }, { path: 'orders/b.jsonl.gz' }],
    trades: [{ path: 'trades/t.csv' }],
    collateral: [{ path: 'collateral/c.jsonl' }],
  },
} as unknown as DatasetLayout;
const stats = (path: string, accepted: number, bytes = 1000): FileStats =>
  ({ path, accepted, records: accepted, bytes }) as unknown as FileStats;

describe('EventStreamProgress', () => {
  it('counts records replayed against the line counts, made exact as files are read', () => {
    const { p, events, state } = recorder();
    const lines = new Map([
      ['orders/a.jsonl', 100],
      ['trades/t.csv', 51], // the header line too: an estimate until the file is read
    ]);
    const s = new EventStreamProgress(p, layout, lines);
    s.stage(ORDER_FLOW_STAGE, 9999);
    expect(events).toEqual([`stage ${ORDER_FLOW_STAGE} 151 records`, 'files 0/3']);
    // A stream out of seq order is read whole before the replay starts: the bar has not moved yet…
    s.fileRead(stats('orders/a.jsonl', 98));
    s.fileRead(stats('orders/b.jsonl.gz', 40)); // gzipped and out of order: no line count before its stats
    s.fileRead(stats('trades/t.csv', 50));
    expect(state).toEqual({ value: 0, total: 188 });
    // …and moves with the replay, to exactly its total.
    s.replayed(100);
    expect(state.value).toBe(100);
    s.replayed(88);
    expect(state).toEqual({ value: 188, total: 188 });
    expect(events.slice(-4)).toEqual(['resize 189', 'files 2/3', 'resize 188', 'files 3/3']);
  });

  it('grows the total rather than run past it, and counts bytes of files read in the other stages', () => {
    const { p, events, state } = recorder();
    const s = new EventStreamProgress(p, layout, new Map());
    s.stage(ORDER_FLOW_STAGE, 500);
    s.replayed(10);
    expect(state).toEqual({ value: 10, total: 10 });
    s.stage('collateral', 1000);
    s.fileRead(stats('collateral/c.jsonl', 7, 1000));
    expect(state).toEqual({ value: 1000, total: 1000 });
    expect(events).toContain('stage collateral 1000 bytes');
  });
});

/** A terminal that keeps what is drawn, without escape codes. */
function fakeTerminal() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, {
    isTTY: true,
    columns: 160,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences of the terminal
  const shown = () => text.replace(/\u001b\[[0-9;?]*[a-zA-Z]|\u001b[78]/g, '').replace(/[░█]/g, '');
  return { stream, shown };
}

describe('terminalProgress', () => {
  it('draws a stage full when it ends, even when its total was an estimate', () => {
    const t = fakeTerminal();
    const bar = terminalProgress(t.stream)!;
    bar.stage(ORDER_FLOW_STAGE, 1000, 'records');
    bar.advance(400);
    bar.filesRead?.(1, 2);
    bar.stage('findings store', 3, 'findings');
    bar.advance(3);
    bar.done();
    expect(t.shown()).toMatch(/orders and trades\s+100% \| 1,000\/1,000 records \| 1 of 2 files read/);
    expect(t.shown()).toMatch(/findings store\s+100% \| 3\/3 findings/);
  });

  it('starts a stage of unknown total when it learns one, and leaves a failed stage where it stopped', () => {
    const t = fakeTerminal();
    const bar = terminalProgress(t.stream)!;
    bar.stage(ORDER_FLOW_STAGE, 0, 'records');
    bar.advance(5);
    bar.resize?.(20);
    bar.abort?.();
    expect(t.shown()).toContain('orders and trades…');
    expect(t.shown()).toMatch(/25% \| 5\/20 records/);
    expect(t.shown()).not.toMatch(/100%/);
  });

  it('draws nothing when stderr is not a terminal', () => {
    const t = fakeTerminal();
    Object.assign(t.stream, { isTTY: false });
    expect(terminalProgress(t.stream)).toBeUndefined();
  });
});
