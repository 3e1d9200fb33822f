/**
 * Ingest: reads orders and trades once, in the global (seq, file path, line) order of the single-process run (DQ-1
 * quarantine and file statistics on the way), numbers every accepted item with its ordinal in that order, links
 * symbols that share an order or trade id (SymbolLinks), and writes each symbol's items, already ordered, as chunk
 * objects in the work area. Partitions are the groups of linked symbols; the Distributed Map audits one per item.
 */
import { mkdir } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FileStats, QuarantineEntry, ReadHooks } from '../../ingest/readRecords.js';
import { readOrderedBatches } from '../../ordering/readOrderedStream.js';
import type { OrderedLine } from './annotatedEvents.js';
import { openStep, type StepState } from './runPlan.js';
import { SymbolLinks } from './symbolLinks.js';
import { ChunkedLineWriter } from './workArea.js';

export const INGEST_FILE = 'ingest.json';

export interface IngestResult {
  /** Order-flow items accepted (ordinals 0..items-1). */
  items: number;
  symbols: { symbol: string; chunks: string[]; items: number }[];
  /** Each partition: indexes into `symbols`. */
  partitions: number[][];
  quarantine: QuarantineEntry[];
  file_stats: FileStats[];
}

export interface IngestOptions {
  tmpDir: string;
  sortMemoryRecords?: number;
  /** Target size of a chunk object. */
  chunkBytes?: number;
  /** Bytes buffered across all symbols before the buffers are flushed. */
  bufferBytes?: number;
}

export async function ingestOrderFlow(
  state: StepState,
  deps: { s3: S3Client },
  opts: IngestOptions,
): Promise<StepState & { partitions: { partition: number }[] }> {
  const step = await openStep(state.run, deps.s3);
  await mkdir(opts.tmpDir, { recursive: true });
  const quarantine: QuarantineEntry[] = [];
  const fileStats: FileStats[] = [];
  const hooks: ReadHooks = { quarantine: (q) => quarantine.push(q), stats: (s) => fileStats.push(s) };
  const links = new SymbolLinks();
  const writers: ChunkedLineWriter[] = [];
  const chunkBytes = opts.chunkBytes ?? 8 << 20;
  const bufferBytes = opts.bufferBytes ?? 256 << 20;
  let buffered = 0;
  let ordinal = 0;

  const batches = readOrderedBatches(step.source, step.layout, 'orders+trades', hooks, {
    tmpDir: opts.tmpDir,
    maxInMemory: opts.sortMemoryRecords,
  });
  for await (const batch of batches) {
    for (const item of batch) {
      const s = links.symbol(item.rec.symbol);
      if (item.kind === 'order') links.link(s, `o\u0000${item.rec.order_id}`);
      else {
        links.link(s, `o\u0000${item.rec.maker_order_id}`);
        links.link(s, `o\u0000${item.rec.taker_order_id}`);
        links.link(s, `t\u0000${item.rec.trade_id}`);
      }
      let w = writers[s];
      if (w === undefined) {
        w = new ChunkedLineWriter(step.work, `ingest/s${s}`, chunkBytes);
        writers[s] = w;
      }
      const line: OrderedLine = {
        i: ordinal++,
        k: item.kind === 'order' ? 'o' : 't',
        f: item.file,
        l: item.line,
        r: item.rec,
      };
      const text = JSON.stringify(line);
      w.add(text);
      buffered += text.length + 1;
      if (w.full) {
        buffered -= w.bufferedBytes;
        await w.flush();
      }
    }
    if (buffered >= bufferBytes) {
      for (const w of writers) if (w !== undefined) await w.flush();
      buffered = 0;
    }
  }

  const symbols: IngestResult['symbols'] = [];
  for (let s = 0; s < links.symbols.length; s++) {
    const w = writers[s]!;
    symbols.push({ symbol: links.symbols[s]!, chunks: await w.close(), items: w.count });
  }
  const partitions = links.groups();
  const result: IngestResult = { items: ordinal, symbols, partitions, quarantine, file_stats: fileStats };
  await step.work.putJson(INGEST_FILE, result);
  return { run: state.run, partitions: partitions.map((_, partition) => ({ partition })) };
}
