/**
 * cdk-nag AwsSolutions findings that remain by design, each acknowledged on the construct it concerns with the reason.
 * Every other rule passes. cdk-nag 3 matches acknowledgement ids exactly (`AwsSolutions::<rule>[<finding>]`), so the
 * ids name the resource tokens of this stack.
 */
import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { VatpAuditStack } from './vatpAuditStack.js';

const NAG = 'AwsSolutions::';

function ack(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NAG}${id}`, reason });
}

function arnToken(construct: IConstruct): string {
  const stack = Stack.of(construct);
  return `<${stack.getLogicalId(construct.node.defaultChild as CfnElement)}.Arn>`;
}

/** What every function of the project (an AuditFunction) shares: managed log policy, X-Ray, the pinned runtime. */
export function acknowledgeFunctionBasics(fn: IConstruct): void {
  ack(
    fn,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The AWS managed basic execution policy only lets the function write its own CloudWatch logs.',
  );
  ack(
    fn,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) supports no resource-level permissions.',
  );
  ack(
    fn,
    'AwsSolutions-L1',
    'nodejs22.x is the runtime the project pins and tests (STACK.md); the code also runs on the local Node 20.',
  );
}

export function acknowledgeNagFindings(stack: VatpAuditStack): void {
  const rawObjects = `${arnToken(stack.rawBucket)}/*`;
  const workObjects = `${arnToken(stack.workBucket)}/*`;
  const evidenceObjects = `${arnToken(stack.evidenceBucket)}/*`;
  const tableIndexes = `${arnToken(stack.findingsTable)}/index/*`;

  for (const [name, fn] of Object.entries(stack.functions)) {
    acknowledgeFunctionBasics(fn);
    const uses = (objects: string, what: string) =>
      ack(fn, `AwsSolutions-IAM5[Resource::${objects}]`, `The ${name} step reads or writes objects of ${what} only.`);
    if (['plan', 'ingest', 'partition', 'ledger', 'aggregate'].includes(name)) {
      uses(rawObjects, 'the raw-logs bucket (the dataset being audited)');
    }
    if (['plan', 'ingest', 'partition', 'ledger', 'aggregate', 'report'].includes(name)) {
      uses(workObjects, "the work bucket (this run's intermediate partitions)");
    }
    if (['report', 'store'].includes(name))
      uses(evidenceObjects, 'the evidence bucket (evidence packs, large findings)');
    if (['plan', 'store', 'recordFailure'].includes(name)) {
      ack(
        fn,
        `AwsSolutions-IAM5[Resource::${tableIndexes}]`,
        'The findings store queries the four GSIs of its own table (shared/store/README.md access patterns).',
      );
    }
  }

  const sm = stack.audit.stateMachine;
  for (const fn of Object.values(stack.functions)) {
    ack(
      sm,
      `AwsSolutions-IAM5[Resource::${arnToken(fn.fn)}:*]`,
      'Step Functions may invoke any version or alias of this one audit function (grant made by LambdaInvoke).',
    );
  }
  ack(
    sm,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray tracing and CloudWatch Logs delivery of the state machine support no resource-level permissions.',
  );
  const smName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${Stack.of(sm).getLogicalId(sm.node.defaultChild as CfnElement)}"}]}]}`;
  // With an env-agnostic stack these are tokens; `cdk synth` sets CDK_DEFAULT_REGION, which resolves them.
  const st = Stack.of(sm);
  const partition = Token.isUnresolved(st.partition) ? '<AWS::Partition>' : st.partition;
  const region = Token.isUnresolved(st.region) ? '<AWS::Region>' : st.region;
  const account = Token.isUnresolved(st.account) ? '<AWS::AccountId>' : st.account;
  const executions = `arn:${partition}:states:${region}:${account}:execution:${smName}`;
  ack(
    sm,
    `AwsSolutions-IAM5[Resource::${executions}:*]`,
    'The Distributed Map starts and stops child executions of this state machine only.',
  );
  ack(
    sm,
    `AwsSolutions-IAM5[Resource::${executions}/*:*]`,
    'The Distributed Map describes the child executions of this state machine only.',
  );

  ack(
    stack.deadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is itself the dead-letter queue of the schedule and _READY triggers.',
  );

  const notifications = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  if (notifications !== undefined) {
    ack(
      notifications,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's bucket-notification custom resource (turns on EventBridge for the raw bucket) only writes its logs.",
    );
  }
}
