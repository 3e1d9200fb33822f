/**
 * How far V8 lets the heap grow past its live data before the next full collection, for a whole local run (issue 9:
 * peak RSS). On a machine with several GiB, V8 allows the old generation up to 4× its live size between full
 * collections (its growing factor scales with the maximum heap, which scales with the machine's memory), so most of a
 * long run's resident heap is garbage not yet collected: at 10M order events the main thread's heap reached ~700 MB
 * and the reading worker's ~200 MB while their live data was a fraction of that. A fixed factor of 1 + PERCENT/100
 * keeps the heap nearer its live size for some more full collections. Measured (whole run, 10M sorted JSONL, A/B
 * run side by side): peak RSS 1019 -> 794 MB at 50 %, user+sys 273 -> 257 s (noise: no measurable cost); 20 % gave
 * 765 MB but cost ~+35 % CPU at 1M orders, where 50 % costs nothing measurable (and saves little: 445-461 -> 432-438
 * MB, the 1M run's heap being small).
 *
 * The flag is process-wide (the main thread and the ordered-stream worker) and read by V8 at each collection, so it
 * can be set once at start. It changes when memory is reclaimed, never what the program computes.
 */
import { setFlagsFromString } from 'node:v8';
import { CliError } from './errors.js';

/** Heap growth past the live size after a full collection, in percent (V8 on a large machine: up to 300). */
export const RUN_HEAP_GROWING_PERCENT = 50;

/** Sets V8's heap growing factor for this process (once, before the run allocates). */
export function limitHeapGrowth(percent: number = RUN_HEAP_GROWING_PERCENT): void {
  if (!Number.isInteger(percent) || percent <= 0) throw new CliError(`heap growing percent ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
