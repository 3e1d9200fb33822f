/**
 * `vatp-audit run --remote` against a loopback Step Functions endpoint (the real SDK client and its JSON protocol):
 * the execution input is the on-demand trigger that Plan accepts, and waiting polls until the execution ends.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '#shared/pipeline/errors.js';
import { startRemoteRun, waitForRemoteRun } from '#shared/pipeline/partition/remoteRun.js';
import { resolveTrigger } from '#shared/pipeline/partition/triggerInput.js';

const ARN = 'arn:aws:states:ap-east-1:123456789012:stateMachine:VatpAudit';
const requests: { target: string; body: Record<string, unknown> }[] = [];
let describeCalls = 0;
let server: Server;
let sfn: SFNClient;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const parsed = JSON.parse(await body(req)) as Record<string, unknown>;
    requests.push({ target, body: parsed });
    res.setHeader('content-type', 'application/x-amz-json-1.0');
    if (target.endsWith('.StartExecution')) {
      res.end(
        JSON.stringify({ executionArn: `${ARN.replace('stateMachine', 'execution')}:e-1`, startDate: 1770000000 }),
      );
    } else if (target.endsWith('.DescribeExecution')) {
      describeCalls++;
      const done = describeCalls >= 3;
      res.end(
        JSON.stringify({
          executionArn: parsed.executionArn,
          stateMachineArn: ARN,
          status: done ? 'SUCCEEDED' : 'RUNNING',
          startDate: 1770000000,
          ...(done ? { output: JSON.stringify({ run: { run_id: 'r-1' }, findings: 2 }) } : {}),
        }),
      );
    } else {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'UnknownOperationException' }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'ap-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  sfn.destroy();
  await new Promise((r) => server.close(r));
});

describe('startRemoteRun', () => {
  it('starts the state machine with the on-demand trigger Plan accepts', async () => {
    const run = await startRemoteRun({
      sfn,
      stateMachineArn: ARN,
      input: 's3://raw-logs/venue=HKVX/date=2026-02-12/',
      out: 's3://evidence/packs/manual/',
    });
    expect(run.executionArn).toMatch(/:execution:VatpAudit:e-1$/);
    const start = requests.find((r) => r.target.endsWith('.StartExecution'))!;
    expect(start.body.stateMachineArn).toBe(ARN);
    const input = JSON.parse(String(start.body.input));
    expect(input).toEqual({
      trigger: 'on-demand',
      input: 's3://raw-logs/venue=HKVX/date=2026-02-12/',
      out: 's3://evidence/packs/manual/',
    });
    expect(resolveTrigger(input, { rawBucket: 'raw-logs', datasetLayout: 'x', timeZone: 'Asia/Hong_Kong' })).toEqual({
      input: 's3://raw-logs/venue=HKVX/date=2026-02-12/',
      out: 's3://evidence/packs/manual/',
    });
  });

  it('refuses a local dataset or output folder as a usage error (exit 2)', async () => {
    await expect(startRemoteRun({ sfn, stateMachineArn: ARN, input: './data' })).rejects.toThrow(UsageError);
    await expect(
      startRemoteRun({ sfn, stateMachineArn: ARN, input: 's3://raw-logs/x/', out: './pack' }),
    ).rejects.toThrow(UsageError);
  });

  it('waits until the execution has ended and returns its output', async () => {
    const sleeps: number[] = [];
    const outcome = await waitForRemoteRun({
      sfn,
      executionArn: `${ARN.replace('stateMachine', 'execution')}:e-1`,
      pollMs: 5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { run: { run_id: 'r-1' }, findings: 2 } });
    expect(sleeps).toEqual([5, 5]);
  });
});
