/**
 * How far V8 lets the heap grow past its live data before the next full collection, for a whole local run (its peak
 * RSS). On a machine with several GiB, V8 allows the old generation up to 4× its live size between full
 * collections (its growing factor scales with the maximum heap, which scales with the machine's memory), so most of a
 * long run's resident heap is garbage not yet collected. A fixed factor of 1 + PERCENT/100 keeps the heap nearer its
 * live size for some more full collections; 50 % is where that cost no measurable CPU (smaller factors did).
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
