/**
 * Where the AWS clients point: the embedded local stack (dynalite + s3rver on loopback) when the environment holds no
 * AWS settings at all (OUTPUT.md "Without any AWS settings, run uses the embedded local stack"), otherwise the
 * configured endpoints or real AWS. The S3 client always carries the settings that defeat s3rver's checksum-framing
 * trap (STACK.md); they are harmless against real S3.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { AwsConfigError } from '../adapters/aws/errors.js';
import { createDynamoClient, createS3Client } from '../adapters/aws/factories.js';
import { startEmbeddedStack } from './embeddedStack.js';

export { type ClientOptions, createDynamoClient, createS3Client } from '../adapters/aws/factories.js';

/** Variables whose presence means the user configured AWS (any one of them switches off the embedded stack). */
export const AWS_SETTING_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
] as const;

export const DEFAULT_FINDINGS_TABLE = 'vatp-audit-findings';
export const DEFAULT_EVIDENCE_BUCKET = 'vatp-audit-evidence';

/** An empty variable counts as unset, as the AWS SDK treats it. */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .refine((s) => /^https?:\/\/[^\s/]+/.test(s), { message: 'must be an http(s) URL such as http://127.0.0.1:4566' })
    .optional(),
);

const envSchema = z.object({
  AWS_ENDPOINT_URL: optionalUrl,
  AWS_ENDPOINT_URL_S3: optionalUrl,
  AWS_ENDPOINT_URL_DYNAMODB: optionalUrl,
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalText,
  AWS_SESSION_TOKEN: optionalText,
  AWS_PROFILE: optionalText,
  AWS_DEFAULT_PROFILE: optionalText,
  AWS_WEB_IDENTITY_TOKEN_FILE: optionalText,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: optionalText,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: optionalText,
  AWS_REGION: optionalText,
  AWS_DEFAULT_REGION: optionalText,
  /** Forces a mode: `embedded` even with AWS settings present, `aws` even without. */
  VATP_AUDIT_STACK: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['embedded', 'aws']).optional()),
  VATP_AUDIT_FINDINGS_TABLE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, { message: 'not a DynamoDB table name' })
      .default(DEFAULT_FINDINGS_TABLE),
  ),
  VATP_AUDIT_EVIDENCE_BUCKET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'not an S3 bucket name' })
      .default(DEFAULT_EVIDENCE_BUCKET),
  ),
});

interface CommonEnvironment {
  /** DynamoDB table holding runs, findings and their review status. */
  findingsTable: string;
  /** Bucket for finding evidence too large for a DynamoDB item. */
  evidenceBucket: string;
}

export type AwsEnvironment =
  | (CommonEnvironment & { mode: 'embedded' })
  | (CommonEnvironment & {
      mode: 'aws';
      /** Undefined: the SDK resolves it (profile config); with a custom endpoint it defaults to us-east-1. */
      region: string | undefined;
      s3Endpoint: string | undefined;
      dynamoEndpoint: string | undefined;
      /** Static keys from the environment; undefined lets the SDK's default chain find credentials (profile, role). */
      credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
      /** The variables that selected this mode, for messages. */
      selectedBy: string[];
    });

/** Reads the environment once; throws AwsConfigError naming every bad variable. */
export function awsEnvironment(env: NodeJS.ProcessEnv | Record<string, string | undefined>): AwsEnvironment {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AwsConfigError(`invalid AWS settings in the environment: ${problems}`);
  }
  const e = parsed.data;
  const common = { findingsTable: e.VATP_AUDIT_FINDINGS_TABLE, evidenceBucket: e.VATP_AUDIT_EVIDENCE_BUCKET };
  const selectedBy = AWS_SETTING_VARIABLES.filter((name) => e[name] !== undefined);
  const mode = e.VATP_AUDIT_STACK ?? (selectedBy.length > 0 ? 'aws' : 'embedded');
  if (mode === 'embedded') return { mode, ...common };
  const s3Endpoint = e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL;
  const dynamoEndpoint = e.AWS_ENDPOINT_URL_DYNAMODB ?? e.AWS_ENDPOINT_URL;
  const customEndpoint = s3Endpoint !== undefined || dynamoEndpoint !== undefined;
  if (e.AWS_ACCESS_KEY_ID !== undefined && e.AWS_SECRET_ACCESS_KEY === undefined) {
    throw new AwsConfigError('AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not');
  }
  const credentials =
    e.AWS_ACCESS_KEY_ID !== undefined && e.AWS_SECRET_ACCESS_KEY !== undefined
      ? {
          accessKeyId: e.AWS_ACCESS_KEY_ID,
          secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
          ...(e.AWS_SESSION_TOKEN !== undefined ? { sessionToken: e.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  const region = e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? (customEndpoint ? 'us-east-1' : undefined);
  return {
    mode,
    ...common,
    region,
    s3Endpoint,
    dynamoEndpoint,
    credentials,
    selectedBy: selectedBy.length > 0 ? [...selectedBy] : ['VATP_AUDIT_STACK'],
  };
}

export interface AwsClients {
  config: AwsEnvironment;
  s3: S3Client;
  dynamo: DynamoDBClient;
  /** Destroys the clients and, in embedded mode, stops the local servers. */
  close(): Promise<void>;
}

/**
 * Opens the clients the environment asks for. In embedded mode the local stack keeps its data under `dataDir`
 * (the CLI passes the data home: local/dataHome.ts).
 */
export async function openAwsClients(opts: {
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  dataDir: string;
}): Promise<AwsClients> {
  const config = awsEnvironment(opts.env);
  if (config.mode === 'embedded') {
    const stack = await startEmbeddedStack({ dataDir: opts.dataDir, buckets: [config.evidenceBucket] });
    return { config, s3: stack.s3, dynamo: stack.dynamo, close: () => stack.stop() };
  }
  const common = { region: config.region, credentials: config.credentials };
  const s3 = createS3Client({ ...common, endpoint: config.s3Endpoint });
  const dynamo = createDynamoClient({ ...common, endpoint: config.dynamoEndpoint });
  return {
    config,
    s3,
    dynamo,
    close: async () => {
      s3.destroy();
      dynamo.destroy();
    },
  };
}
