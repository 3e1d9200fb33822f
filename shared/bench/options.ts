/** Command-line options of the bench (see main.ts). */
import { join, resolve } from 'node:path';
import { dataHome } from '../local/dataHome.js';
import type { BenchFormat } from './datasets.js';
import { BenchOptionsError } from './errors.js';

export interface Args {
  quick: boolean;
  sizes: number[];
  formats: BenchFormat[];
  orders: ('sorted' | 'shuffled')[];
  seed: number;
  stages: boolean;
  run: boolean;
  /** The naive reference audit (the second baseline). */
  naive: boolean;
  /** Findings the `store` task stores (0: skipped). */
  storeFindings: number;
  regenerate: boolean;
  cpuProf: boolean;
  cacheDir: string;
  resultsDir: string;
}

export function parseArgs(
  argv: string[],
  cwd = process.cwd(),
  env: Record<string, string | undefined> = process.env,
): Args {
  const a: Args = {
    quick: false,
    sizes: [1_000_000, 10_000_000],
    formats: ['jsonl', 'csv'],
    orders: ['sorted', 'shuffled'],
    seed: 1,
    stages: true,
    run: true,
    naive: true,
    storeFindings: 25_000,
    regenerate: false,
    cpuProf: false,
    cacheDir: join(dataHome(env), 'bench'),
    resultsDir: resolve(cwd, 'bench-results'),
  };
  let sizesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new BenchOptionsError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') a.quick = true;
    else if (arg === '--sizes') {
      a.sizes = value().split(',').map(Number);
      sizesGiven = true;
    } else if (arg === '--formats') a.formats = value().split(',') as BenchFormat[];
    else if (arg === '--orders') a.orders = value().split(',') as Args['orders'];
    else if (arg === '--seed') a.seed = Number(value());
    else if (arg === '--no-stages') a.stages = false;
    else if (arg === '--no-run') a.run = false;
    else if (arg === '--no-naive') a.naive = false;
    else if (arg === '--store') a.storeFindings = Number(value());
    else if (arg === '--regenerate') a.regenerate = true;
    else if (arg === '--cpu-prof') a.cpuProf = true;
    else if (arg === '--cache') a.cacheDir = resolve(cwd, value());
    else if (arg === '--results') a.resultsDir = resolve(cwd, value());
    else throw new BenchOptionsError(`unknown option ${arg}`);
  }
  if (a.quick && !sizesGiven) a.sizes = [1_000_000];
  if (a.sizes.some((n) => !Number.isSafeInteger(n) || n <= 0))
    throw new BenchOptionsError('--sizes: positive whole numbers');
  if (!Number.isSafeInteger(a.storeFindings) || a.storeFindings < 0)
    throw new BenchOptionsError('--store: a whole number of findings (0 skips the store task)');
  if (a.formats.some((f) => f !== 'jsonl' && f !== 'csv')) throw new BenchOptionsError('--formats: jsonl, csv');
  if (a.orders.some((o) => o !== 'sorted' && o !== 'shuffled'))
    throw new BenchOptionsError('--orders: sorted, shuffled');
  return a;
}
