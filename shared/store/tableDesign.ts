/**
 * The findings table: one DynamoDB table (name configurable, on-demand billing) with generic key attributes and four
 * overloaded GSIs. README.md beside this file lists the items and the access patterns each key serves. The CDK stack
 * builds the same table from FINDINGS_TABLE_DESIGN.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { Severity } from '../contract/finding.js';
import { parseTimestampNs } from '../contract/time.js';
import { StoreConfigError, StoreError } from './errors.js';
import type { FindingStatus } from './types.js';

export const FINDINGS_TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  billingMode: 'PAY_PER_REQUEST',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  ],
} as const;

// ---- keys ----------------------------------------------------------------------------------------------------------
export const SK_FINDING = 'FINDING';
/** The review record of a finding (status, version, history): written by responders only, never by ingestion. */
export const SK_REVIEW = 'REVIEW';
export const SK_RUN = 'RUN';
/** The accepted run of a venue and period: the one item acceptances of that period are serialised on. */
export const SK_ACCEPTED = 'ACCEPTED';

/** 20-digit zero-padded nanoseconds since the epoch: sorts as text exactly as the instants sort. */
export function instantKey(ts: string): string | undefined {
  const ns = parseTimestampNs(ts);
  if (ns === undefined) return undefined;
  return (ns < 0n ? 0n : ns).toString().padStart(20, '0');
}

export function requireInstantKey(ts: string, what: string): string {
  const key = instantKey(ts);
  if (key === undefined) throw new StoreError(`${what} is not an RFC 3339 UTC timestamp: ${JSON.stringify(ts)}`);
  return key;
}

/** Severity prefixes that sort the most severe first. */
export const SEVERITY_KEY: Record<Severity, string> = {
  critical: '1critical',
  high: '2high',
  medium: '3medium',
  low: '4low',
};

export const keys = {
  finding: (findingId: string) => ({ pk: `F#${findingId}`, sk: SK_FINDING }),
  review: (findingId: string) => ({ pk: `F#${findingId}`, sk: SK_REVIEW }),
  run: (runId: string) => ({ pk: `R#${runId}`, sk: SK_RUN }),
  occurrence: (runId: string, findingId: string) => ({ pk: `R#${runId}`, sk: `F#${findingId}` }),
  accepted: (venue: string, periodStartKey: string, periodEndKey: string) => ({
    pk: `P#${venue}#${periodStartKey}#${periodEndKey}`,
    sk: SK_ACCEPTED,
  }),
  runPartition: (runId: string) => `R#${runId}`,
  byCheck: (checkId: string) => `CHECK#${checkId}`,
  runsOfVenue: (venue: string) => `RUNS#${venue}`,
  /** gsi3 partition of every run item, sorted by start time (runs list across venues). */
  allRuns: 'RUNS',
  byAccount: (accountId: string) => `ACCT#${accountId}`,
  byVenueStatus: (venue: string, status: FindingStatus) => `VS#${venue}#${status}`,
  byVenuePeriod: (venue: string, periodStartKey: string, periodEndKey: string) =>
    `VP#${venue}#${periodStartKey}#${periodEndKey}`,
};

// ---- creation ------------------------------------------------------------------------------------------------------
const ALL_KEY_ATTRIBUTES = [
  FINDINGS_TABLE_DESIGN.partitionKey,
  FINDINGS_TABLE_DESIGN.sortKey,
  ...FINDINGS_TABLE_DESIGN.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
];

/**
 * Creates the table if it does not exist and waits until it and its indexes are active; an existing table must have
 * the same keys and indexes. Safe to call concurrently and on every start.
 */
export async function ensureFindingsTable(
  dynamo: DynamoDBClient,
  tableName: string,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  let table = await describe(dynamo, tableName);
  if (table === undefined) {
    try {
      await dynamo.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: FINDINGS_TABLE_DESIGN.billingMode,
          AttributeDefinitions: ALL_KEY_ATTRIBUTES.map(
            (name): AttributeDefinition => ({ AttributeName: name, AttributeType: 'S' }),
          ),
          KeySchema: [
            { AttributeName: FINDINGS_TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
            { AttributeName: FINDINGS_TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: FINDINGS_TABLE_DESIGN.indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: [
              { AttributeName: i.partitionKey, KeyType: 'HASH' },
              { AttributeName: i.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ResourceInUseException') {
        throw new StoreError(`cannot create table ${tableName}`, { cause: err });
      }
    }
  }
  for (let attempt = 0; attempt < 120; attempt++) {
    table = await describe(dynamo, tableName);
    if (table !== undefined) {
      checkDesign(tableName, table);
      const active =
        table.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      if (active) return;
    }
    await sleep(Math.min(100 * 2 ** attempt, 2000));
  }
  throw new StoreError(`table ${tableName} did not become active`);
}

async function describe(dynamo: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw new StoreError(`cannot describe table ${tableName}`, { cause: err });
  }
}

function checkDesign(tableName: string, t: TableDescription): void {
  const keyOf = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  const problems: string[] = [];
  if (keyOf(t.KeySchema) !== `${FINDINGS_TABLE_DESIGN.partitionKey}:HASH,${FINDINGS_TABLE_DESIGN.sortKey}:RANGE`) {
    problems.push(`key schema ${keyOf(t.KeySchema)}`);
  }
  for (const index of FINDINGS_TABLE_DESIGN.indexes) {
    const found = (t.GlobalSecondaryIndexes ?? []).find((g) => g.IndexName === index.name);
    if (found === undefined) problems.push(`index ${index.name} missing`);
    else if (keyOf(found.KeySchema) !== `${index.partitionKey}:HASH,${index.sortKey}:RANGE`) {
      problems.push(`index ${index.name} keyed ${keyOf(found.KeySchema)}`);
    } else if (found.Projection?.ProjectionType !== 'ALL') problems.push(`index ${index.name} does not project ALL`);
  }
  if (problems.length > 0) {
    throw new StoreConfigError(`table ${tableName} exists with another design: ${problems.join('; ')}`);
  }
}
