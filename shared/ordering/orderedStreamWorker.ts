/**
 * Worker thread of readOrderedBatches (`worker: true`): reads, parses and orders one stream of a local dataset on the
 * second core while the main thread replays. It runs the very same readOrderedBatches as the main thread would, and
 * posts, in the order they happen: quarantine entries, file stats, and the merged batches in their compact form
 * (recordCodec.ts). The main thread grants credits (batches it is ready for) so the worker never runs far ahead, and
 * asks it to stop when the consumer stops early (the worker's finally blocks remove its temporary sort runs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DatasetLayout } from '../ingest/layout.js';
import { LocalDatasetSource } from '../ingest/source.js';
import { type OrderedStreamName, type OrderedStreamOptions, readOrderedBatches } from './readOrderedStream.js';
import { BatchEncoder, type StreamFile, type StreamItem } from './recordCodec.js';

export interface WorkerInput {
  root: string;
  layout: DatasetLayout;
  stream: OrderedStreamName;
  files: StreamFile[];
  opts: Omit<OrderedStreamOptions, 'worker'>;
}

export type WorkerMessage =
  | { t: 'q'; entry: import('../ingest/readRecords.js').QuarantineEntry }
  | { t: 's'; stats: import('../ingest/readRecords.js').FileStats }
  | { t: 'b'; batch: import('./recordCodec.js').EncodedBatch }
  | { t: 'end' }
  | { t: 'err'; name: string; message: string; exitCode?: number; path?: string; stack?: string };

export type MainMessage = { t: 'credit'; n: number } | { t: 'stop' };

async function run(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  let credits = 0;
  let stopped = false;
  let wake: (() => void) | null = null;
  port.on('message', (m: MainMessage) => {
    if (m.t === 'credit') credits += m.n;
    else stopped = true;
    wake?.();
    wake = null;
  });
  const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  try {
    const source = new LocalDatasetSource(input.root);
    const encoder = new BatchEncoder(input.files);
    const batches = readOrderedBatches(
      source,
      input.layout,
      input.stream,
      { quarantine: (entry) => post({ t: 'q', entry }), stats: (stats) => post({ t: 's', stats }) },
      input.opts,
    );
    for await (const items of batches) {
      while (credits === 0 && !stopped) await new Promise<void>((r) => (wake = r));
      if (stopped) break; // leaves the loop: the generators' finally blocks clean up
      credits--;
      const { batch, transfer } = encoder.encode(items as unknown as StreamItem[]);
      post({ t: 'b', batch }, transfer);
    }
    post({ t: 'end' });
  } catch (error) {
    const e = error as Error & { path?: unknown; exitCode?: unknown };
    post({
      t: 'err',
      name: e?.name ?? 'Error',
      message: e?.message ?? String(error),
      ...(typeof e?.exitCode === 'number' ? { exitCode: e.exitCode } : {}),
      ...(typeof e?.path === 'string' ? { path: e.path } : {}),
      ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
    });
  } finally {
    // Nothing more to receive: the thread ends once its messages are out.
    port.removeAllListeners('message');
    port.unref();
  }
}

if (parentPort !== null && (workerData as { orderedStream?: WorkerInput } | undefined)?.orderedStream !== undefined) {
  await run(parentPort, (workerData as { orderedStream: WorkerInput }).orderedStream);
}
