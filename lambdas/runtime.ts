/**
 * What every step Lambda shares: its configuration, parsed once from the environment with a zod schema (the CDK stack
 * sets these variables), and its services — AWS clients, findings store, manifest signer, evidence sinks, logger —
 * created with defaults and injectable, so the local state-machine run binds the same handlers to the embedded stack.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createDynamoClient, createS3Client } from '#shared/adapters/aws/factories.js';
import { type OutputSink, openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { type AuditParameters, auditParametersSchema, DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { TOOL_VERSION } from '#shared/config/version.js';
import { KmsSigner, type Signer } from '#shared/evidence/signer.js';
import { s3EvidenceBlobStore } from '#shared/store/evidenceBlobs.js';
import { FindingsStore } from '#shared/store/findingsStore.js';
import { LambdaConfigError } from './errors.js';

const text = z.string().min(1);
const parametersJson = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(auditParametersSchema);

export const lambdaConfigSchema = z.object({
  VATP_AUDIT_RAW_BUCKET: text,
  VATP_AUDIT_WORK_BUCKET: text,
  VATP_AUDIT_EVIDENCE_BUCKET: text,
  VATP_AUDIT_FINDINGS_TABLE: text,
  VATP_AUDIT_SIGNING_KEY_ID: text.optional(),
  VATP_AUDIT_TIME_ZONE: text.default('Asia/Hong_Kong'),
  VATP_AUDIT_DATASET_LAYOUT: text.default('venue={venue}/date={date}/'),
  VATP_AUDIT_TOOL_VERSION: text.default(TOOL_VERSION),
  /** Default audit parameters (JSON); an on-demand execution may give its own. */
  VATP_AUDIT_PARAMETERS: parametersJson.optional(),
  VATP_AUDIT_TMP_DIR: text.default('/tmp'),
  VATP_AUDIT_SORT_MEMORY_RECORDS: z.coerce.number().int().positive().optional(),
  VATP_AUDIT_CHUNK_BYTES: z.coerce.number().int().positive().optional(),
  /** A partition stops and writes a checkpoint when fewer seconds than this remain in its invocation. */
  VATP_AUDIT_SLICE_RESERVE_SECONDS: z.coerce.number().int().positive().default(120),
  /** A partition stops and writes a checkpoint after this many items per invocation (absent: only the deadline). */
  VATP_AUDIT_SLICE_MAX_ITEMS: z.coerce.number().int().positive().optional(),
});

export interface LambdaConfig {
  rawBucket: string;
  workBucket: string;
  evidenceBucket: string;
  findingsTable: string;
  signingKeyId: string | undefined;
  timeZone: string;
  datasetLayout: string;
  toolVersion: string;
  parameters: AuditParameters;
  tmpDir: string;
  sortMemoryRecords: number | undefined;
  chunkBytes: number | undefined;
  sliceReserveSeconds: number;
  sliceMaxItems: number | undefined;
}

export function parseLambdaConfig(env: Record<string, string | undefined>): LambdaConfig {
  const parsed = lambdaConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new LambdaConfigError(`invalid Lambda configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    rawBucket: e.VATP_AUDIT_RAW_BUCKET,
    workBucket: e.VATP_AUDIT_WORK_BUCKET,
    evidenceBucket: e.VATP_AUDIT_EVIDENCE_BUCKET,
    findingsTable: e.VATP_AUDIT_FINDINGS_TABLE,
    signingKeyId: e.VATP_AUDIT_SIGNING_KEY_ID,
    timeZone: e.VATP_AUDIT_TIME_ZONE,
    datasetLayout: e.VATP_AUDIT_DATASET_LAYOUT,
    toolVersion: e.VATP_AUDIT_TOOL_VERSION,
    parameters: e.VATP_AUDIT_PARAMETERS ?? DEFAULT_PARAMETERS,
    tmpDir: e.VATP_AUDIT_TMP_DIR,
    sortMemoryRecords: e.VATP_AUDIT_SORT_MEMORY_RECORDS,
    chunkBytes: e.VATP_AUDIT_CHUNK_BYTES,
    sliceReserveSeconds: e.VATP_AUDIT_SLICE_RESERVE_SECONDS,
    sliceMaxItems: e.VATP_AUDIT_SLICE_MAX_ITEMS,
  };
}

export interface LambdaServices {
  config: LambdaConfig;
  s3: S3Client;
  store(): FindingsStore;
  signer(): Signer;
  openSink(uri: string): OutputSink;
  logger: Logger;
  now(): Date;
  newId(): string;
}

export interface ServiceOverrides {
  config?: LambdaConfig;
  s3?: S3Client;
  dynamo?: DynamoDBClient;
  signer?: Signer;
  logger?: Logger;
  now?: () => Date;
  newId?: () => string;
}

export function createServices(o: ServiceOverrides = {}): LambdaServices {
  const config = o.config ?? parseLambdaConfig(process.env);
  const s3 = o.s3 ?? createS3Client();
  let dynamo = o.dynamo;
  let store: FindingsStore | undefined;
  let signer = o.signer;
  return {
    config,
    s3,
    store() {
      dynamo ??= createDynamoClient();
      store ??= new FindingsStore({
        dynamo,
        tableName: config.findingsTable,
        blobs: s3EvidenceBlobStore({ s3, bucket: config.evidenceBucket }),
      });
      return store;
    },
    signer() {
      if (signer === undefined) {
        if (config.signingKeyId === undefined) throw new LambdaConfigError('VATP_AUDIT_SIGNING_KEY_ID is not set');
        signer = new KmsSigner({ kms: new KMSClient({}), keyId: config.signingKeyId });
      }
      return signer;
    },
    openSink: (uri) => openOutputSink(uri, { s3 }),
    logger: o.logger ?? new Logger({ serviceName: 'vatp-audit' }),
    now: o.now ?? (() => new Date()),
    newId: o.newId ?? randomUUID,
  };
}

/** What a step may know of its invocation (from the Lambda context; absent when run outside Lambda). */
export interface Invocation {
  remainingMs?: () => number;
}

/** The part of the Lambda context the steps use. */
interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
}

/**
 * A Lambda handler built from services on first use (so a cold start parses the environment once, and a test can
 * build the same handler with its own services). Each call is logged with its run id; errors are logged and rethrown
 * so that Step Functions sees the failure.
 */
export function lambdaHandler<I, O>(
  step: string,
  run: (input: I, services: LambdaServices, invocation: Invocation) => Promise<O>,
): {
  handler: (input: I, context?: LambdaContextLike) => Promise<O>;
  create: (services: LambdaServices) => (input: I, context?: LambdaContextLike) => Promise<O>;
} {
  const create = (services: LambdaServices) => async (input: I, context?: LambdaContextLike) => {
    const runId = (input as { run?: { run_id?: string } } | undefined)?.run?.run_id;
    services.logger.appendKeys({ step, ...(runId !== undefined ? { run_id: runId } : {}) });
    try {
      const remaining = context?.getRemainingTimeInMillis;
      const output = await run(
        input,
        services,
        remaining === undefined ? {} : { remainingMs: () => remaining.call(context) },
      );
      services.logger.info(`${step} done`);
      return output;
    } catch (error) {
      services.logger.error(`${step} failed`, error as Error);
      throw error;
    } finally {
      services.logger.removeKeys(['step', 'run_id']);
    }
  };
  let cached: ((input: I, context?: LambdaContextLike) => Promise<O>) | undefined;
  return {
    create,
    handler: (input: I, context?: LambdaContextLike) => {
      cached ??= create(createServices());
      return cached(input, context);
    },
  };
}
