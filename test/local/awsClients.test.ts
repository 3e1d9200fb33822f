import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsConfigError } from '#shared/adapters/aws/errors.js';
import { putObject, readObject } from '#shared/adapters/s3/objects.js';
import { awsEnvironment, openAwsClients } from '#shared/local/awsClients.js';
import { startEmbeddedStack } from '#shared/local/embeddedStack.js';

describe('awsEnvironment', () => {
  it('chooses the embedded stack when no AWS setting is present (empty variables count as unset)', () => {
    expect(awsEnvironment({})).toEqual({
      mode: 'embedded',
      findingsTable: 'vatp-audit-findings',
      evidenceBucket: 'vatp-audit-evidence',
    });
    expect(awsEnvironment({ AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '', AWS_REGION: 'ap-east-1' }).mode).toBe('embedded');
  });

  it('uses configured endpoints, path-style, with a default region', () => {
    const env = awsEnvironment({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' });
    expect(env).toMatchObject({
      mode: 'aws',
      s3Endpoint: 'http://127.0.0.1:9000',
      dynamoEndpoint: undefined,
      region: 'us-east-1',
      selectedBy: ['AWS_ENDPOINT_URL_S3'],
    });
    expect(awsEnvironment({ AWS_ENDPOINT_URL: 'http://localhost:4566' })).toMatchObject({
      s3Endpoint: 'http://localhost:4566',
      dynamoEndpoint: 'http://localhost:4566',
    });
    expect(awsEnvironment({ AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://b:2' })).toMatchObject({
      s3Endpoint: 'http://a:1',
      dynamoEndpoint: 'http://b:2',
    });
  });

  it('uses real AWS with credentials or a profile, leaving the region to the SDK when unset', () => {
    expect(awsEnvironment({ AWS_PROFILE: 'audit' })).toMatchObject({
      mode: 'aws',
      region: undefined,
      credentials: undefined,
      selectedBy: ['AWS_PROFILE'],
    });
    expect(
      awsEnvironment({
        AWS_ACCESS_KEY_ID: 'AK',
        AWS_SECRET_ACCESS_KEY: 'SK',
        AWS_SESSION_TOKEN: 'T',
        AWS_REGION: 'ap-east-1',
      }),
    ).toMatchObject({
      mode: 'aws',
      region: 'ap-east-1',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'T' },
    });
    expect(awsEnvironment({ AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' }).mode).toBe('aws');
    expect(awsEnvironment({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials' }).mode).toBe('aws');
  });

  it('honours VATP_AUDIT_STACK and the table and bucket names', () => {
    expect(awsEnvironment({ AWS_PROFILE: 'x', VATP_AUDIT_STACK: 'embedded' }).mode).toBe('embedded');
    expect(awsEnvironment({ VATP_AUDIT_STACK: 'aws' })).toMatchObject({
      mode: 'aws',
      selectedBy: ['VATP_AUDIT_STACK'],
    });
    expect(
      awsEnvironment({ VATP_AUDIT_FINDINGS_TABLE: 'audit-prod', VATP_AUDIT_EVIDENCE_BUCKET: 'audit-evidence-prod' }),
    ).toMatchObject({ findingsTable: 'audit-prod', evidenceBucket: 'audit-evidence-prod' });
  });

  it('rejects unusable settings with a message naming them', () => {
    expect(() => awsEnvironment({ AWS_ENDPOINT_URL_S3: 'localhost:9000' })).toThrow(/AWS_ENDPOINT_URL_S3/);
    expect(() => awsEnvironment({ VATP_AUDIT_STACK: 'cloud' })).toThrow(AwsConfigError);
    expect(() => awsEnvironment({ VATP_AUDIT_FINDINGS_TABLE: 'a b' })).toThrow(/VATP_AUDIT_FINDINGS_TABLE/);
    expect(() => awsEnvironment({ AWS_ACCESS_KEY_ID: 'AK' })).toThrow(/AWS_SECRET_ACCESS_KEY/);
  });
});

describe('openAwsClients', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vatp-clients-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts the embedded stack with the evidence bucket when the environment has no AWS settings', async () => {
    const clients = await openAwsClients({ env: {}, dataDir });
    try {
      expect(clients.config.mode).toBe('embedded');
      await putObject(clients.s3, 'vatp-audit-evidence', 'k', 'v');
      expect((await readObject(clients.s3, 'vatp-audit-evidence', 'k')).toString()).toBe('v');
      expect((await clients.dynamo.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      await clients.close();
    }
  });

  it('talks to configured endpoints with the environment credentials (byte-exact S3 writes)', async () => {
    const servers = await startEmbeddedStack({ dataDir: join(dataDir, 'servers'), buckets: ['configured'] });
    try {
      const clients = await openAwsClients({
        env: {
          AWS_ENDPOINT_URL_S3: servers.s3Endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: servers.dynamoEndpoint,
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
        },
        dataDir: join(dataDir, 'unused'),
      });
      try {
        expect(clients.config.mode).toBe('aws');
        const { Readable } = await import('node:stream');
        const bytes = Buffer.alloc(70_000, 7);
        await putObject(clients.s3, 'configured', 'streamed', Readable.from([bytes]), { contentLength: bytes.length });
        expect((await readObject(clients.s3, 'configured', 'streamed')).equals(bytes)).toBe(true);
        expect((await clients.dynamo.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      } finally {
        await clients.close();
      }
    } finally {
      await servers.stop();
    }
  });
});
