/**
 * Least-privilege grants with exact actions (no `s3:GetObject*`-style wildcards): each step gets object reads or
 * writes on one bucket and the matching use of that bucket's key, or item access to the findings table. The only
 * wildcards left are object keys inside one bucket and the table's own indexes, which the nag acknowledgements name.
 */

import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export function grantObjectRead(grantee: iam.IGrantable, bucket: s3.IBucket, key: kms.IKey): void {
  add(grantee, ['s3:ListBucket'], [bucket.bucketArn]);
  add(grantee, ['s3:GetObject'], [bucket.arnForObjects('*')]);
  add(grantee, ['kms:Decrypt'], [key.keyArn]);
}

export function grantObjectWrite(grantee: iam.IGrantable, bucket: s3.IBucket, key: kms.IKey): void {
  add(grantee, ['s3:PutObject', 's3:AbortMultipartUpload'], [bucket.arnForObjects('*')]);
  // Multipart uploads to an SSE-KMS bucket need Decrypt as well as GenerateDataKey.
  add(grantee, ['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn]);
}

export const FINDINGS_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

export function grantFindingsTable(grantee: iam.IGrantable, table: dynamodb.ITable, key: kms.IKey): void {
  add(grantee, [...FINDINGS_TABLE_ACTIONS], [table.tableArn, `${table.tableArn}/index/*`]);
  add(grantee, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], [key.keyArn]);
}

export function grantManifestSigning(grantee: iam.IGrantable, signingKey: kms.IKey): void {
  add(grantee, ['kms:Sign', 'kms:GetPublicKey'], [signingKey.keyArn]);
}

function add(grantee: iam.IGrantable, actions: string[], resources: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
}
