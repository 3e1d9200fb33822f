import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINDINGS_TABLE_DESIGN } from '#shared/store/tableDesign.js';
import { STATE_NAMES } from '../../cdk/auditStateMachine.js';
import { DEFAULT_EVIDENCE_RETENTION_DAYS } from '../../cdk/secureDefaults.js';
import { READY_MARKER } from '../../cdk/triggers.js';
import { VatpAuditStack } from '../../cdk/vatpAuditStack.js';
import { cleanupAssemblies, resolveTokens, synthStack, testApp, tokenLogicalId } from './synthHelpers.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON, read by the assertions below
type Cfn = any;
type Resources = Record<string, { Type: string; Properties: Record<string, Cfn> }>;

let template: Template;
let stack: VatpAuditStack;
let resources: Resources;

beforeAll(() => {
  ({ stack, template } = synthStack());
  resources = template.toJSON().Resources as Resources;
});
afterAll(() => cleanupAssemblies());

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

function definition(): Cfn {
  const [sm] = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const text = resolveTokens(sm!.Properties.DefinitionString, (t) => `arn:test:${tokenLogicalId(t)}`) as string;
  return JSON.parse(text);
}

function statementsOf(roleLogicalIdPrefix: string): Cfn[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
    .filter(([, r]) => (r.Properties.Roles as Cfn[]).some((x) => JSON.stringify(x).includes(roleLogicalIdPrefix)))
    .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Cfn[]);
}

describe('storage', () => {
  it('raw, work and evidence buckets use customer-managed KMS keys, versioning, TLS only, no public access, access logs', () => {
    for (const bucket of [stack.rawBucket, stack.workBucket, stack.evidenceBucket]) {
      const props = resources[logicalId(bucket)]!.Properties;
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toMatchObject({
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/Key/), 'Arn'] },
      });
      expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(props.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(props.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logicalId(stack.accessLogBucket) });
    }
    // Every bucket policy denies requests that are not over TLS.
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy');
    // raw, work, evidence, access logs, and the workbench's static files.
    expect(policies).toHaveLength(5);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('the data keys rotate; the signing key is ECC_NIST_P256 for SIGN_VERIFY', () => {
    const keys = Object.values(resources).filter((r) => r.Type === 'AWS::KMS::Key');
    const signing = keys.filter((k) => k.Properties.KeyUsage === 'SIGN_VERIFY');
    expect(signing).toHaveLength(1);
    expect(signing[0]!.Properties.KeySpec).toBe('ECC_NIST_P256');
    for (const k of keys.filter((x) => x.Properties.KeyUsage !== 'SIGN_VERIFY')) {
      expect(k.Properties.EnableKeyRotation).toBe(true);
    }
  });

  it('the evidence bucket has Object Lock in COMPLIANCE mode for 7 years by default, configurable', () => {
    expect(resources[logicalId(stack.evidenceBucket)]!.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: DEFAULT_EVIDENCE_RETENTION_DAYS } },
    });
    expect(DEFAULT_EVIDENCE_RETENTION_DAYS).toBeGreaterThanOrEqual(7 * 365);
    const other = synthStack({ evidenceRetentionDays: 3653 });
    other.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } },
      },
    });
    // The raw and work buckets are not locked (re-delivery and expiry must stay possible).
    expect(resources[logicalId(stack.rawBucket)]!.Properties.ObjectLockConfiguration).toBeUndefined();
    expect(resources[logicalId(stack.workBucket)]!.Properties.ObjectLockConfiguration).toBeUndefined();
  });

  it('the work bucket expires intermediate partitions', () => {
    const rules = resources[logicalId(stack.workBucket)]!.Properties.LifecycleConfiguration.Rules as Cfn[];
    expect(rules).toContainEqual(expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 14 }));
  });

  it('the raw bucket sends object events to EventBridge (the _READY trigger)', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalId(stack.rawBucket) },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('the findings table follows FINDINGS_TABLE_DESIGN, with PITR and a customer-managed key', () => {
    const props = resources[logicalId(stack.findingsTable)]!.Properties;
    expect(props.KeySchema).toEqual([
      { AttributeName: FINDINGS_TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
      { AttributeName: FINDINGS_TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
    ]);
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(props.SSESpecification.KMSMasterKeyId).toBeDefined();
    expect(
      (props.GlobalSecondaryIndexes as Cfn[]).map((g) => ({
        name: g.IndexName,
        keys: g.KeySchema.map((k: Cfn) => `${k.AttributeName}:${k.KeyType}`),
        projection: g.Projection.ProjectionType,
      })),
    ).toEqual(
      FINDINGS_TABLE_DESIGN.indexes.map((i) => ({
        name: i.name,
        keys: [`${i.partitionKey}:HASH`, `${i.sortKey}:RANGE`],
        projection: 'ALL',
      })),
    );
    for (const a of props.AttributeDefinitions as Cfn[]) expect(a.AttributeType).toBe('S');
  });
});

describe('functions', () => {
  it('every step is an ARM64 nodejs22.x Lambda with explicit memory and timeout and the table/buckets by env', () => {
    const fns = Object.values(stack.functions).map((f) => resources[logicalId(f.fn)]!.Properties);
    expect(fns).toHaveLength(8);
    for (const p of fns) {
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.MemorySize).toBeGreaterThanOrEqual(256);
      expect(p.Timeout).toBeLessThanOrEqual(900);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.Environment.Variables).toMatchObject({
        VATP_AUDIT_FINDINGS_TABLE: { Ref: logicalId(stack.findingsTable) },
        VATP_AUDIT_WORK_BUCKET: { Ref: logicalId(stack.workBucket) },
        VATP_AUDIT_EVIDENCE_BUCKET: { Ref: logicalId(stack.evidenceBucket) },
        VATP_AUDIT_STACK: 'aws',
        POWERTOOLS_SERVICE_NAME: 'vatp-audit',
      });
    }
  });

  it('IAM policies name only this stack’s buckets, table and keys; the only "*" resource is X-Ray', () => {
    const own = new Set(
      [
        stack.rawBucket,
        stack.workBucket,
        stack.evidenceBucket,
        stack.findingsTable,
        stack.signingKey,
        ...Object.values(stack.functions).map((f) => f.fn),
        stack.audit.stateMachine,
      ].map(logicalId),
    );
    own.add(logicalId(stack.workbench.assets));
    const keyIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::KMS::Key')
      .map(([id]) => id);
    for (const id of keyIds) own.add(id);
    for (const r of Object.values(resources).filter((x) => x.Type === 'AWS::IAM::Policy')) {
      for (const st of r.Properties.PolicyDocument.Statement as Cfn[]) {
        const res = Array.isArray(st.Resource) ? st.Resource : [st.Resource];
        const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
        for (const x of res) {
          if (x === '*') {
            // X-Ray and logs, and the static-file deployment's CloudFront invalidation: no resource-level permissions.
            expect(actions.every((a: string) => /^(xray|logs|cloudfront):/.test(a))).toBe(true);
            continue;
          }
          const text = JSON.stringify(x);
          const refs = [...text.matchAll(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)"/g)].map((m) => m[1]!);
          const named = refs.filter((id) => !['AWS::Partition', 'AWS::Region', 'AWS::AccountId'].includes(id));
          for (const id of named) {
            if (!own.has(id)) expect(resources[id]?.Type, `${id} in ${text}`).toMatch(/SQS::Queue|Logs::LogGroup/);
          }
        }
      }
    }
  });

  it('each step gets exact S3 actions on the buckets it uses, and no S3 wildcard actions', () => {
    const s3Actions = (prefix: string) =>
      statementsOf(prefix)
        .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]))
        .filter((a: string) => a.startsWith('s3:'));
    for (const fn of Object.values(stack.functions)) {
      for (const a of s3Actions(stack.getLogicalId(fn.fn.role!.node.defaultChild as never))) {
        expect(['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:AbortMultipartUpload']).toContain(a);
      }
    }
    // Only the report step and the workbench (period reports) can sign, and only with the signing key.
    const signing = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Cfn[])
      .filter((st) => [].concat(st.Action).includes('kms:Sign' as never));
    expect(signing).toHaveLength(2);
    for (const st of signing) expect(st.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack.signingKey), 'Arn'] });
    // Nobody may delete evidence (the only deletes are the static-file deployment's, on the workbench's own bucket).
    const deletes = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Cfn[])
      .filter((st) => JSON.stringify(st.Action).includes('s3:DeleteObject'));
    for (const st of deletes) expect(JSON.stringify(st.Resource)).not.toContain(logicalId(stack.evidenceBucket));
    const all = JSON.stringify(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(all).not.toContain('s3:PutBucketObjectLockConfiguration');
  });
});

describe('state machine', () => {
  it('runs Plan → Ingest → (Distributed Map of partitions ‖ Ledger) → Aggregate → Report → Store', () => {
    const d = definition();
    expect(d.StartAt).toBe(STATE_NAMES.plan);
    expect(d.States[STATE_NAMES.plan].Next).toBe(STATE_NAMES.ingest);
    expect(d.States[STATE_NAMES.ingest].Next).toBe(STATE_NAMES.audit);
    const audit = d.States[STATE_NAMES.audit];
    expect(audit.Type).toBe('Parallel');
    expect(audit.Next).toBe(STATE_NAMES.aggregate);
    expect(d.States[STATE_NAMES.aggregate].Next).toBe(STATE_NAMES.report);
    expect(d.States[STATE_NAMES.report].Next).toBe(STATE_NAMES.store);
    expect(d.States[STATE_NAMES.store].Next).toBe(STATE_NAMES.done);
    const map = audit.Branches[0].States[STATE_NAMES.partitions];
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.partitions',
      ToleratedFailurePercentage: 0,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(map.ItemProcessor.States[STATE_NAMES.partition].Retry[0].ErrorEquals).toContain('Lambda.ServiceException');
    expect(audit.Branches[1].StartAt).toBe(STATE_NAMES.ledger);
  });

  it('splits a partition by time: AuditPartition loops through PartitionDone? until the step says done', () => {
    const map = definition().States[STATE_NAMES.audit].Branches[0].States[STATE_NAMES.partitions];
    const states = map.ItemProcessor.States;
    expect(map.ItemProcessor.StartAt).toBe(STATE_NAMES.partition);
    expect(states[STATE_NAMES.partition].Next).toBe(STATE_NAMES.partitionDone);
    expect(states[STATE_NAMES.partitionDone]).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.done', BooleanEquals: false, Next: STATE_NAMES.partition }],
      Default: STATE_NAMES.partitionAudited,
    });
    expect(states[STATE_NAMES.partitionAudited].Type).toBe('Succeed');
  });

  it('every step that can fail is caught into RecordFailure, which ends the execution as failed', () => {
    const d = definition();
    for (const name of [
      STATE_NAMES.plan,
      STATE_NAMES.ingest,
      STATE_NAMES.audit,
      STATE_NAMES.aggregate,
      STATE_NAMES.report,
      STATE_NAMES.store,
    ]) {
      expect(d.States[name].Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE_NAMES.recordFailure },
      ]);
    }
    expect(d.States[STATE_NAMES.recordFailure].Next).toBe(STATE_NAMES.failed);
    expect(d.States[STATE_NAMES.failed].Type).toBe('Fail');
  });

  it('the state machine logs and traces', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });
});

describe('triggers and operations', () => {
  it('a nightly schedule per venue in Asia/Hong_Kong passes the scheduled time; zone and venues are configurable', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Hong_Kong',
      Target: Match.objectLike({
        Arn: { Ref: logicalId(stack.audit.stateMachine) },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueue), 'Arn'] } },
      }),
    });
    const input = JSON.parse(
      Object.values(resources).find((r) => r.Type === 'AWS::Scheduler::Schedule')!.Properties.Target.Input,
    );
    expect(input).toEqual({
      trigger: 'schedule',
      venue: 'HKVX',
      scheduled_time: '<aws.scheduler.scheduled-time>',
      time_zone: 'Asia/Hong_Kong',
    });
    const other = synthStack({ nightly: { venues: ['AAA', 'BBB'], timeZone: 'Asia/Singapore', hour: 4, minute: 5 } });
    other.template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    other.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(5 4 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Singapore',
    });
  });

  it(`a ${READY_MARKER} object under the raw bucket starts an execution`, () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [{ Ref: logicalId(stack.rawBucket) }] },
          object: { key: [{ wildcard: `*/${READY_MARKER}` }] },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: logicalId(stack.audit.stateMachine) },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueue), 'Arn'] } },
          InputTransformer: Match.objectLike({
            InputPathsMap: { 'detail-bucket-name': '$.detail.bucket.name', 'detail-object-key': '$.detail.object.key' },
          }),
        }),
      ],
    });
  });

  it('alarms watch failed, timed-out and aborted executions, every Lambda’s errors and the dead-letter queue', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const metrics = alarms.map((a) => a.Properties.MetricName);
    expect(metrics).toEqual(expect.arrayContaining(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']));
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(8);
    expect(metrics).toContain('ApproximateNumberOfMessagesVisible');
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

it('outputs the state machine ARN, bucket and table names for --remote and operators', () => {
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  expect(outputs.StateMachineArn?.Value).toEqual({ Ref: logicalId(stack.audit.stateMachine) });
  expect(outputs.EvidenceBucketName?.Value).toEqual({ Ref: logicalId(stack.evidenceBucket) });
  expect(outputs.FindingsTableName?.Value).toEqual({ Ref: logicalId(stack.findingsTable) });
});

describe('cdk-nag', () => {
  it('AwsSolutionsChecks finds no unacknowledged error, and every acknowledgement has a reason', () => {
    const app = testApp();
    const s = new VatpAuditStack(app, 'VatpAudit');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
    const acks = s.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:validation:acknowledge'));
    for (const m of acks) expect(String((m.data as { reason?: string }).reason ?? '').length).toBeGreaterThan(20);
  });

  it('the checks are live: an unacknowledged insecure bucket fails synthesis', () => {
    const app = testApp();
    const s = new VatpAuditStack(app, 'VatpAudit');
    new s3.Bucket(s, 'Careless');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions::AwsSolutions-S1'/);
  });
});
