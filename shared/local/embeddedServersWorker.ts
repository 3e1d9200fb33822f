/**
 * Worker thread of the embedded stack (embeddedStack.ts): dynalite and s3rver run here, on loopback, so their CPU
 * (LevelDB, request validation, index upkeep, garbage collection) is not the thread that replays and renders the
 * report. The owning thread holds the data directory's lock; this thread only serves it until told to stop.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import S3rver from 's3rver';

export interface ServersWorkerInput {
  /** The resolved data directory: `dynamodb/` (LevelDB) and `s3/` under it exist. */
  dir: string;
}

export type ServersWorkerMessage =
  | { t: 'ready'; dynamoEndpoint: string; s3Endpoint: string }
  | { t: 'stopped' }
  | { t: 'err'; message: string; stack?: string };

export type ServersMainMessage = { t: 'stop' };

function listenLoopback(server: Server): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose, reject) => {
    server.close((err?: Error) => (err ? reject(err) : resolveClose()));
    // Keep-alive sockets of destroyed clients must not hold the close (and the LevelDB lock) open.
    server.closeIdleConnections();
  });
}

const failure = (err: unknown): ServersWorkerMessage => ({
  t: 'err',
  message: (err as Error)?.message ?? String(err),
  stack: (err as Error)?.stack,
});

async function serve(port: NonNullable<typeof parentPort>, input: ServersWorkerInput): Promise<void> {
  let dynamoServer: Server | undefined;
  let s3: S3rver | undefined;
  const closeAll = async () => {
    const results = await Promise.allSettled([
      s3 === undefined ? undefined : s3.close(),
      dynamoServer === undefined ? undefined : closeServer(dynamoServer),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
  try {
    dynamoServer = dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      path: join(input.dir, 'dynamodb'),
    });
    const dynamoPort = await listenLoopback(dynamoServer);
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(input.dir, 's3') });
    const s3Address = await s3.run();
    port.on('message', (m: ServersMainMessage) => {
      if (m.t !== 'stop') return;
      closeAll().then(
        () => port.postMessage({ t: 'stopped' } satisfies ServersWorkerMessage),
        (err: unknown) => port.postMessage(failure(err)),
      );
    });
    port.postMessage({
      t: 'ready',
      dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
      s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    } satisfies ServersWorkerMessage);
  } catch (err) {
    await closeAll().catch(() => undefined);
    port.postMessage(failure(err));
  }
}

if (parentPort !== null && (workerData as { embeddedServers?: ServersWorkerInput } | undefined)?.embeddedServers) {
  await serve(parentPort, (workerData as { embeddedServers: ServersWorkerInput }).embeddedServers);
}
