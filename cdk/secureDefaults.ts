/**
 * Secure defaults as pure prop functions (aws-solutions-constructs style): each returns the props a construct is built
 * with, so a test can read them and every bucket or table of the stack gets the same baseline. Why: the evidence pack
 * and the findings are what a regulatory submission rests on; they must be encrypted with keys the operator controls,
 * never public, reachable over TLS only, versioned, and (for the evidence) immutable for the retention period.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FINDINGS_TABLE_DESIGN } from '#shared/store/tableDesign.js';

/** Seven years, the default evidence retention (SFC record keeping: at least seven years). */
export const DEFAULT_EVIDENCE_RETENTION_DAYS = 7 * 365 + 2;

export interface SecureBucketOptions {
  /** Customer-managed KMS key for default encryption (SSE-KMS with an S3 bucket key). */
  encryptionKey: kms.IKey;
  /** Where S3 server access logs go. */
  accessLogs: { bucket: s3.IBucket; prefix: string };
  /** Object Lock in COMPLIANCE mode with this default retention (days). */
  objectLockRetentionDays?: number;
  /** Objects expire this many days after creation (intermediate data only). */
  expireAfterDays?: number;
  /** Send object events to EventBridge (the `_READY` trigger). */
  eventBridgeEnabled?: boolean;
  removalPolicy?: RemovalPolicy;
}

/** A data bucket: KMS (customer key), versioned, TLS only, no public access, access-logged, optional Object Lock. */
export function secureBucketProps(o: SecureBucketOptions): s3.BucketProps {
  const lifecycleRules: s3.LifecycleRule[] = [
    // Old versions of a versioned bucket otherwise accumulate for ever; Object Lock still protects locked versions.
    { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
  ];
  if (o.expireAfterDays !== undefined) {
    lifecycleRules.push({
      id: 'expire-intermediate',
      expiration: Duration.days(o.expireAfterDays),
      noncurrentVersionExpiration: Duration.days(1),
    });
  }
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: o.encryptionKey,
    bucketKeyEnabled: true,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: o.accessLogs.bucket,
    serverAccessLogsPrefix: o.accessLogs.prefix,
    lifecycleRules,
    eventBridgeEnabled: o.eventBridgeEnabled ?? false,
    removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
    ...(o.objectLockRetentionDays !== undefined
      ? {
          objectLockEnabled: true,
          objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(o.objectLockRetentionDays)),
        }
      : {}),
  };
}

/**
 * The server-access-log bucket. S3 log delivery does not support SSE-KMS target buckets, so it uses SSE-S3; it is
 * otherwise locked down like the others and keeps logs for `retentionDays`.
 */
export function accessLogBucketProps(o: { retentionDays: number; removalPolicy?: RemovalPolicy }): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [
      {
        id: 'expire-access-logs',
        expiration: Duration.days(o.retentionDays),
        noncurrentVersionExpiration: Duration.days(30),
      },
    ],
    removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
  };
}

/** The symmetric data key: rotated yearly, kept when the stack is deleted. */
export function dataKeyProps(description: string): kms.KeyProps {
  return {
    description,
    enableKeyRotation: true,
    keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
    keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/** The manifest signing key: ECDSA P-256, sign/verify only; its public half ships in every evidence pack. */
export function signingKeyProps(description: string): kms.KeyProps {
  return {
    description,
    keySpec: kms.KeySpec.ECC_NIST_P256,
    keyUsage: kms.KeyUsage.SIGN_VERIFY,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/**
 * The findings table of shared/store (FINDINGS_TABLE_DESIGN: pk/sk and four GSIs projecting ALL, every key a string),
 * on-demand, with point-in-time recovery and a customer-managed key.
 */
export function secureTableProps(o: {
  encryptionKey: kms.IKey;
  tableName?: string;
  removalPolicy?: RemovalPolicy;
}): dynamodb.TableProps {
  const d = FINDINGS_TABLE_DESIGN;
  return {
    ...(o.tableName !== undefined ? { tableName: o.tableName } : {}),
    partitionKey: { name: d.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: d.sortKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: o.encryptionKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
  };
}

/** The GSIs of FINDINGS_TABLE_DESIGN, as CDK index props. */
export function findingsTableIndexes(): dynamodb.GlobalSecondaryIndexProps[] {
  return FINDINGS_TABLE_DESIGN.indexes.map((i) => ({
    indexName: i.name,
    partitionKey: { name: i.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: i.sortKey, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.ALL,
  }));
}
