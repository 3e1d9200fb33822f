import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putObject, readObject } from '#shared/adapters/s3/objects.js';
import { startEmbeddedStack } from '#shared/local/embeddedStack.js';
import { EmbeddedStackBusyError } from '#shared/local/errors.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vatp-stack-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function writeSomething(stack: Awaited<ReturnType<typeof startEmbeddedStack>>): Promise<void> {
  await stack.dynamo.send(
    new CreateTableCommand({
      TableName: 'persist',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // dynalite turns a new table ACTIVE on the next tick even with createTableMs: 0
  for (let i = 0; i < 100; i++) {
    const t = await stack.dynamo.send(new DescribeTableCommand({ TableName: 'persist' }));
    if (t.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await stack.dynamo.send(new PutItemCommand({ TableName: 'persist', Item: { pk: { S: 'k' }, v: { S: 'kept' } } }));
  await putObject(stack.s3, 'persist-bucket', 'a/b.txt', 'kept bytes');
}

describe('embedded stack', () => {
  it('serves DynamoDB and S3 on loopback and keeps data across stop and restart', async () => {
    const first = await startEmbeddedStack({ dataDir, buckets: ['persist-bucket'] });
    expect(first.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.dynamoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await writeSomething(first);
    await first.stop();
    expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);

    const second = await startEmbeddedStack({ dataDir, buckets: ['persist-bucket'] });
    try {
      const got = await second.dynamo.send(new GetItemCommand({ TableName: 'persist', Key: { pk: { S: 'k' } } }));
      expect(got.Item?.v?.S).toBe('kept');
      expect((await readObject(second.s3, 'persist-bucket', 'a/b.txt')).toString('utf8')).toBe('kept bytes');
    } finally {
      await second.stop();
    }
  });

  it('shares one pair of servers between callers of one data directory (two dynalite on one path crash)', async () => {
    const [a, b] = await Promise.all([
      startEmbeddedStack({ dataDir, buckets: ['persist-bucket'] }),
      startEmbeddedStack({ dataDir, buckets: ['persist-bucket'] }),
    ]);
    expect(a.dynamoEndpoint).toBe(b.dynamoEndpoint);
    expect(a.s3Endpoint).toBe(b.s3Endpoint);
    await writeSomething(a);
    await a.stop();
    await a.stop(); // idempotent
    // b still works after a stopped
    const got = await b.dynamo.send(new GetItemCommand({ TableName: 'persist', Key: { pk: { S: 'k' } } }));
    expect(got.Item?.v?.S).toBe('kept');
    await b.stop();
    // a restart right after the last stop waits for the close and starts cleanly
    const c = await startEmbeddedStack({ dataDir });
    const again = await c.dynamo.send(new GetItemCommand({ TableName: 'persist', Key: { pk: { S: 'k' } } }));
    expect(again.Item?.v?.S).toBe('kept');
    await c.stop();
  });

  it('refuses a data directory locked by another live process', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'stack.lock'), `${process.ppid}\n`);
    await expect(startEmbeddedStack({ dataDir })).rejects.toBeInstanceOf(EmbeddedStackBusyError);
  });

  it('takes over the lock of a process that is gone', async () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    expect(deadPid).toBeGreaterThan(0);
    await writeFile(join(dataDir, 'stack.lock'), `${deadPid}\n`);
    const stack = await startEmbeddedStack({ dataDir });
    await stack.stop();
    expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);
  });
});
