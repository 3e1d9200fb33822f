/**
 * AWS client factories with the settings every client of this tool needs. Kept apart from clients.ts so that the
 * embedded stack can build its clients without importing the environment logic that starts it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

export interface ClientOptions {
  endpoint?: string | undefined;
  region?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
}

/**
 * S3 client: path-style addressing whenever an endpoint is given (local servers have no bucket subdomains), and
 * checksums only when an operation requires them — otherwise the SDK frames streamed bodies as aws-chunked and s3rver
 * stores the framing inside the object.
 */
export function createS3Client(opts: ClientOptions = {}): S3Client {
  return new S3Client({
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createDynamoClient(opts: ClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
    maxAttempts: 8,
  });
}
