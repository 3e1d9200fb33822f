/**
 * The reviewer workbench on AWS: the same hono app as `vatp-audit serve`, behind an API Gateway HTTP API (JWT
 * authorizer on the app routes) and CloudFront. Identity comes from the Cognito id token, verified here again with
 * aws-jwt-verify. Configuration is parsed once from the environment the CDK construct sets.
 */

import { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { handle } from 'hono/aws-lambda';
import { z } from 'zod';
import { createDynamoClient, createS3Client } from '#shared/adapters/aws/factories.js';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { TOOL_VERSION } from '#shared/config/version.js';
import { KmsSigner, type Signer } from '#shared/evidence/signer.js';
import type { PackReader } from '#shared/evidence/verify.js';
import { s3EvidenceBlobStore } from '#shared/store/evidenceBlobs.js';
import { FindingsStore } from '#shared/store/findingsStore.js';
import { createWorkbenchApp } from '#shared/web/app.js';
import { cognitoAuthenticator, type IdTokenClaims } from '#shared/web/cognitoAuth.js';
import { WorkbenchConfigError } from '#shared/web/errors.js';
import { bucketPackLocator } from '#shared/web/packs.js';
import { periodReportArchive } from '#shared/web/periodReports.js';

const text = z.string().min(1);

export const workbenchConfigSchema = z.object({
  VATP_AUDIT_FINDINGS_TABLE: text,
  VATP_AUDIT_EVIDENCE_BUCKET: text,
  /** Period reports built in the workbench go under this prefix of the evidence bucket (and only there). */
  VATP_AUDIT_REPORTS_PREFIX: text.default('workbench/period-reports/'),
  VATP_AUDIT_SIGNING_KEY_ID: text,
  VATP_AUDIT_USER_POOL_ID: text,
  VATP_AUDIT_USER_POOL_CLIENT_ID: text,
  /** https://<prefix>.auth.<region>.amazoncognito.com */
  VATP_AUDIT_AUTH_DOMAIN: z.url(),
  /** https://<distribution>.cloudfront.net (or the custom domain) */
  VATP_AUDIT_PUBLIC_ORIGIN: z.url(),
});

export type WorkbenchConfig = z.infer<typeof workbenchConfigSchema>;

export function parseWorkbenchConfig(env: Record<string, string | undefined>): WorkbenchConfig {
  const parsed = workbenchConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new WorkbenchConfigError(`invalid workbench configuration: ${problems}`);
  }
  return parsed.data;
}

export interface WorkbenchServices {
  config: WorkbenchConfig;
  store: FindingsStore;
  s3: S3Client;
  signer: Signer;
  verifyIdToken: (token: string) => Promise<IdTokenClaims>;
  clock: () => Date;
  fetch?: typeof fetch;
}

export function defaultWorkbenchServices(config = parseWorkbenchConfig(process.env)): WorkbenchServices {
  const s3 = createS3Client();
  const verifier = CognitoJwtVerifier.create({
    userPoolId: config.VATP_AUDIT_USER_POOL_ID,
    tokenUse: 'id',
    clientId: config.VATP_AUDIT_USER_POOL_CLIENT_ID,
  });
  return {
    config,
    s3,
    store: new FindingsStore({
      dynamo: createDynamoClient(),
      tableName: config.VATP_AUDIT_FINDINGS_TABLE,
      blobs: s3EvidenceBlobStore({ s3, bucket: config.VATP_AUDIT_EVIDENCE_BUCKET }),
    }),
    signer: new KmsSigner({ kms: new KMSClient({}), keyId: config.VATP_AUDIT_SIGNING_KEY_ID }),
    verifyIdToken: async (token) => (await verifier.verify(token)) as unknown as IdTokenClaims,
    clock: () => new Date(),
  };
}

/** The Lambda handler over these services (the tests bind it to the embedded stack). */
export function createWorkbenchHandler(s: WorkbenchServices) {
  const bucket = s.config.VATP_AUDIT_EVIDENCE_BUCKET;
  const openSink = (uri: string) => openOutputSink(uri, { s3: s.s3 });
  const openReader = (uri: string): PackReader => {
    const sink = openSink(uri);
    return { read: (name) => sink.read(name), list: () => sink.list() };
  };
  const app = createWorkbenchApp({
    store: s.store,
    packs: bucketPackLocator(bucket, openReader),
    periodReports: periodReportArchive(`s3://${bucket}/${s.config.VATP_AUDIT_REPORTS_PREFIX}`, openSink),
    signer: s.signer,
    clock: s.clock,
    auth: cognitoAuthenticator({
      verifyIdToken: s.verifyIdToken,
      authDomain: s.config.VATP_AUDIT_AUTH_DOMAIN.replace(/\/$/, ''),
      clientId: s.config.VATP_AUDIT_USER_POOL_CLIENT_ID,
      publicOrigin: s.config.VATP_AUDIT_PUBLIC_ORIGIN.replace(/\/$/, ''),
      clock: s.clock,
      ...(s.fetch !== undefined ? { fetch: s.fetch } : {}),
    }),
    publicOrigin: s.config.VATP_AUDIT_PUBLIC_ORIGIN.replace(/\/$/, ''),
    toolVersion: TOOL_VERSION,
    log: (e) => {
      if (e.status >= 500)
        console.error(
          JSON.stringify({
            level: 'ERROR',
            requestId: e.requestId,
            error: String(e.error),
            stack: (e.error as Error)?.stack,
          }),
        );
    },
  });
  return handle(app);
}

let cached: ReturnType<typeof createWorkbenchHandler> | undefined;

export const handler: ReturnType<typeof createWorkbenchHandler> = (event, context) => {
  cached ??= createWorkbenchHandler(defaultWorkbenchServices());
  return cached(event, context);
};
