/**
 * Opens the findings store the environment asks for: on the embedded stack (data under dataDir, table created on
 * first use) or on configured endpoints / real AWS. On real AWS the CDK stack owns the table, so it is not created
 * here; against a custom endpoint (a local server) it is.
 */
import { type AwsClients, type AwsEnvironment, openAwsClients } from '../local/awsClients.js';
import { s3EvidenceBlobStore } from './evidenceBlobs.js';
import { FindingsStore, type FindingsStoreOptions } from './findingsStore.js';

export interface OpenedStore {
  store: FindingsStore;
  clients: AwsClients;
  /** Stops the embedded stack or destroys the clients. */
  close(): Promise<void>;
}

export async function openFindingsStore(opts: {
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  /** Where the embedded stack keeps its data: the CLI passes the data home (local/dataHome.ts). */
  dataDir: string;
  storeOptions?: Partial<Omit<FindingsStoreOptions, 'dynamo' | 'tableName' | 'blobs'>>;
}): Promise<OpenedStore> {
  const clients = await openAwsClients({ env: opts.env, dataDir: opts.dataDir });
  try {
    const store = new FindingsStore({
      ...opts.storeOptions,
      dynamo: clients.dynamo,
      tableName: clients.config.findingsTable,
      blobs: s3EvidenceBlobStore({ s3: clients.s3, bucket: clients.config.evidenceBucket }),
    });
    if (createsTables(clients.config)) await store.ensureTables();
    return { store, clients, close: () => clients.close() };
  } catch (err) {
    await clients.close();
    throw err;
  }
}

function createsTables(config: AwsEnvironment): boolean {
  return config.mode === 'embedded' || config.dynamoEndpoint !== undefined;
}
