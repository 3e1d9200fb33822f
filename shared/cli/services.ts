/**
 * What the commands need from the outside world, opened once per process and only when a command asks for it: AWS
 * clients (the embedded local stack when no AWS settings are present), the findings store, the manifest signer, and
 * readers/writers for local folders and s3:// locations.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { openDatasetSource } from '../adapters/s3/datasetSource.js';
import { type OutputSink, openOutputSink } from '../adapters/s3/outputSink.js';
import { KmsSigner, LocalFileSigner, type Signer } from '../evidence/signer.js';
import { SourceReadError } from '../ingest/errors.js';
import { type AwsClients, openAwsClients } from '../local/awsClients.js';
import { localSigningKeyPath } from '../local/dataHome.js';
import { hashInputs } from '../pipeline/inputs.js';
import { s3EvidenceBlobStore } from '../store/evidenceBlobs.js';
import { FindingsStore } from '../store/findingsStore.js';

export interface CliServices {
  clients: AwsClients;
  store(): Promise<FindingsStore>;
  signer(keyFile?: string): Signer;
  openSink(uri: string): OutputSink;
  openPackReader(uri: string): Promise<{ read(name: string): Promise<Buffer>; list(): Promise<string[]> }>;
  /** Streams and hashes files of a dataset root (verify --inputs). */
  openInputDigests(
    root: string,
  ): Promise<{ digest(path: string): Promise<{ sha256: string; bytes: number } | undefined> }>;
  close(): Promise<void>;
}

let opened: Promise<CliServices> | undefined;

/** `dataDir`: the data home (VATP_AUDIT_HOME), where the embedded stack keeps its data and the local signing key lives. */
export function openCliServices(opts: { env: NodeJS.ProcessEnv; dataDir: string }): Promise<CliServices> {
  opened ??= create(opts);
  return opened;
}

/** Closes what a command opened (the embedded servers would otherwise keep the process alive). Idempotent. */
export async function closeCliServices(): Promise<void> {
  const current = opened;
  opened = undefined;
  if (current !== undefined) await (await current).close();
}

async function create(opts: { env: NodeJS.ProcessEnv; dataDir: string }): Promise<CliServices> {
  const clients = await openAwsClients({ env: opts.env, dataDir: opts.dataDir });
  let store: Promise<FindingsStore> | undefined;
  const kmsKeyId = opts.env.VATP_AUDIT_SIGNING_KEY_ID;
  return {
    clients,
    store() {
      store ??= (async () => {
        const s = new FindingsStore({
          dynamo: clients.dynamo,
          tableName: clients.config.findingsTable,
          blobs: s3EvidenceBlobStore({ s3: clients.s3, bucket: clients.config.evidenceBucket }),
        });
        if (clients.config.mode === 'embedded' || clients.config.dynamoEndpoint !== undefined) await s.ensureTables();
        return s;
      })();
      return store;
    },
    signer(keyFile) {
      if (keyFile === undefined && kmsKeyId !== undefined && clients.config.mode === 'aws') {
        return new KmsSigner({ kms: new KMSClient({}), keyId: kmsKeyId });
      }
      // The data home's key is made on first use; a key named with --signing-key must exist.
      if (keyFile !== undefined) return new LocalFileSigner({ keyFile, create: false });
      return new LocalFileSigner({ keyFile: localSigningKeyPath(opts.dataDir) });
    },
    openSink(uri) {
      return openOutputSink(uri, { s3: clients.s3, createBucket: clients.config.mode === 'embedded' });
    },
    async openPackReader(uri) {
      const sink = openOutputSink(uri, { s3: clients.s3 });
      return { read: (name) => sink.read(name), list: () => sink.list() };
    },
    async openInputDigests(root) {
      const source = openDatasetSource(root, { s3: () => clients.s3 });
      return {
        async digest(path) {
          try {
            const [h] = await hashInputs(source, [{ path, size: 0 }]);
            return h === undefined ? undefined : { sha256: h.sha256, bytes: h.bytes };
          } catch (error) {
            if (error instanceof SourceReadError) return undefined;
            throw error;
          }
        },
      };
    },
    close: once(() => clients.close()),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
