/**
 * The embedded local stack: dynalite (DynamoDB API) and s3rver (S3 API) in this process, on a worker thread of their
 * own (embeddedServersWorker.ts: their CPU is not the thread that replays), on 127.0.0.1 with ports chosen by the
 * OS, data kept under `dataDir` (`dynamodb/` LevelDB, `s3/` files) so findings and review statuses survive between
 * runs.
 *
 * Two dynalite servers on one LevelDB path crash the process (STACK.md), so one data directory is served at most once:
 * - within this process, a registry shares one pair of servers between every caller of the same directory (reference
 *   counted: the servers stop when the last handle stops, and a restart waits for a stop still in progress);
 * - across processes, `<dataDir>/stack.lock` holds the owner's pid; a live owner makes `startEmbeddedStack` fail with
 *   EmbeddedStackBusyError, a dead owner's lock is taken over.
 */
import { mkdir, open, readFile, realpath, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { createDynamoClient, createS3Client } from '../adapters/aws/factories.js';
import { ensureBucket } from '../adapters/s3/objects.js';
import type { ServersMainMessage, ServersWorkerInput, ServersWorkerMessage } from './embeddedServersWorker.js';
import { EmbeddedStackBusyError, EmbeddedStackError } from './errors.js';

/** s3rver accepts only these credentials; dynalite accepts any. */
export const EMBEDDED_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const EMBEDDED_REGION = 'us-east-1';

export interface EmbeddedStack {
  /** The resolved data directory. */
  dataDir: string;
  s3Endpoint: string;
  dynamoEndpoint: string;
  s3: S3Client;
  dynamo: DynamoDBClient;
  /** Destroys this handle's clients; the servers stop when no other handle in this process uses them. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedStackOptions {
  dataDir: string;
  /** Buckets to create if missing (s3rver starts with none). */
  buckets?: string[];
}

interface Servers {
  worker: ServersWorker;
  s3Endpoint: string;
  dynamoEndpoint: string;
  lockPath: string;
}

interface Entry {
  ready: Promise<Servers>;
  refs: number;
}

const entries = new Map<string, Entry>();
const closing = new Map<string, Promise<void>>();

export async function startEmbeddedStack(opts: EmbeddedStackOptions): Promise<EmbeddedStack> {
  await mkdir(opts.dataDir, { recursive: true });
  const dir = await realpath(resolve(opts.dataDir));
  // From here to entry.refs++ nothing awaits, so concurrent callers of one directory always share one entry.
  let entry = entries.get(dir);
  if (entry === undefined) {
    const previous = closing.get(dir) ?? Promise.resolve();
    const created: Entry = { ready: previous.then(() => startServers(dir)), refs: 0 };
    created.ready.catch(() => {
      if (entries.get(dir) === created) entries.delete(dir);
    });
    entries.set(dir, created);
    entry = created;
  }
  const mine = entry;
  mine.refs += 1;
  let servers: Servers;
  try {
    servers = await mine.ready;
  } catch (err) {
    mine.refs -= 1;
    throw err;
  }
  const s3 = createS3Client({
    endpoint: servers.s3Endpoint,
    region: EMBEDDED_REGION,
    credentials: EMBEDDED_CREDENTIALS,
  });
  const dynamo = createDynamoClient({
    endpoint: servers.dynamoEndpoint,
    region: EMBEDDED_REGION,
    credentials: EMBEDDED_CREDENTIALS,
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    s3.destroy();
    dynamo.destroy();
    mine.refs -= 1;
    if (mine.refs > 0 || entries.get(dir) !== mine) return;
    entries.delete(dir);
    const done = stopServers(servers);
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    closing.set(dir, settled);
    void settled.then(() => {
      if (closing.get(dir) === settled) closing.delete(dir);
    });
    await done;
  };
  try {
    for (const bucket of opts.buckets ?? []) await ensureBucket(s3, bucket);
  } catch (err) {
    await stop();
    throw new EmbeddedStackError(`could not create the local buckets ${JSON.stringify(opts.buckets)}`, { cause: err });
  }
  return { dataDir: dir, s3Endpoint: servers.s3Endpoint, dynamoEndpoint: servers.dynamoEndpoint, s3, dynamo, stop };
}

/** Where the embedded stack keeps its DynamoDB tables (dynalite's LevelDB folder) under its data directory. */
export function embeddedTablesDir(dataDir: string): string {
  return join(dataDir, 'dynamodb');
}

async function startServers(dir: string): Promise<Servers> {
  await mkdir(embeddedTablesDir(dir), { recursive: true });
  await mkdir(join(dir, 's3'), { recursive: true });
  const lockPath = join(dir, 'stack.lock');
  await acquireLock(lockPath, dir);
  const worker = new ServersWorker({ dir });
  try {
    const ready = await worker.next();
    if (ready.t !== 'ready') throw workerFailure(ready);
    return { worker, dynamoEndpoint: ready.dynamoEndpoint, s3Endpoint: ready.s3Endpoint, lockPath };
  } catch (err) {
    await worker.terminate();
    await rm(lockPath, { force: true });
    throw new EmbeddedStackError(`could not start the local stack in ${dir}`, { cause: err });
  }
}

async function stopServers(servers: Servers): Promise<void> {
  let failure: unknown;
  try {
    const answer = await servers.worker.stop();
    if (answer.t !== 'stopped') failure = workerFailure(answer);
  } catch (err) {
    failure = err;
  }
  await servers.worker.terminate();
  await rm(servers.lockPath, { force: true });
  if (failure !== undefined) throw new EmbeddedStackError('could not stop the local stack cleanly', { cause: failure });
}

function workerFailure(m: ServersWorkerMessage): Error {
  const error = new EmbeddedStackError(m.t === 'err' ? m.message : `unexpected message ${m.t} from the stack's thread`);
  if (m.t === 'err' && m.stack !== undefined) error.stack = m.stack;
  return error;
}

/** The thread that runs the servers, with its messages as promises; an exit before an answer rejects. */
class ServersWorker {
  readonly #worker: Worker;
  readonly #waiting: { resolve: (m: ServersWorkerMessage) => void; reject: (e: unknown) => void }[] = [];
  #exited: Error | undefined;

  constructor(input: ServersWorkerInput) {
    this.#worker = startServersThread(input);
    this.#worker.on('message', (m: ServersWorkerMessage) => this.#waiting.shift()?.resolve(m));
    const fail = (err: Error) => {
      this.#exited ??= err;
      for (const w of this.#waiting.splice(0)) w.reject(err);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) =>
      fail(new EmbeddedStackError(`the local stack's thread exited with code ${code}`)),
    );
  }

  next(): Promise<ServersWorkerMessage> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  stop(): Promise<ServersWorkerMessage> {
    const answer = this.next();
    if (this.#exited === undefined) this.#worker.postMessage({ t: 'stop' } satisfies ServersMainMessage);
    return answer;
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }
}

/** The thread's script: the bundle's dist/embeddedServersWorker.js, or the TypeScript source when run from sources. */
function startServersThread(input: ServersWorkerInput): Worker {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const file = new URL(fromSource ? './embeddedServersWorker.ts' : './embeddedServersWorker.js', here);
  const workerData = { embeddedServers: input };
  if (!fromSource) return new Worker(file, { workerData });
  // From sources (tests, tsx): the thread loads the TypeScript through tsx's loader, as the main thread does.
  const tsx = pathToFileURL(join(dirname(createRequire(here).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'));
  const boot = `import(${JSON.stringify(tsx.href)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

async function acquireLock(lockPath: string, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new EmbeddedStackError(`could not create the lock file ${lockPath}`, { cause: err });
      }
    }
    const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    // This process's own pid here means a lock left by an instance that is no longer registered (not running).
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processIsAlive(owner)) {
      throw new EmbeddedStackBusyError(dir, owner, lockPath);
    }
    await rm(lockPath, { force: true });
  }
  throw new EmbeddedStackError(`could not take the lock file ${lockPath}: another process keeps recreating it`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
