/** cdk-nag AwsSolutions findings of the reviewer workbench that remain by design, each with its reason. */
import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { acknowledgeFunctionBasics } from './nagAcknowledgements.js';
import { WORKBENCH_REPORTS_PREFIX, type Workbench } from './workbench.js';

function ack(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });
}

function arnToken(construct: IConstruct): string {
  return `<${Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement)}.Arn>`;
}

export function acknowledgeWorkbenchNagFindings(
  w: Workbench,
  stores: { evidenceBucket: s3.IBucket; findingsTable: dynamodb.ITable },
): void {
  const fn = w.function.fn;
  acknowledgeFunctionBasics(fn);
  const evidence = arnToken(stores.evidenceBucket);
  for (const [prefix, what] of [
    ['packs/*', 'reads the evidence packs of runs (PDF, pack download, verify)'],
    ['findings/*', 'reads findings too large for a DynamoDB item (the store keeps them here)'],
    [`${WORKBENCH_REPORTS_PREFIX}*`, 'writes and reads the period reports it builds, under its own prefix only'],
  ] as const) {
    ack(fn, `AwsSolutions-IAM5[Resource::${evidence}/${prefix}]`, `The workbench ${what}.`);
  }
  ack(
    fn,
    `AwsSolutions-IAM5[Resource::${arnToken(stores.findingsTable)}/index/*]`,
    'The findings store queries the GSIs of its own table (runs list, status index).',
  );
  ack(
    w.api.node.findChild('ANY--auth--{proxy+}'),
    'AwsSolutions-APIG4',
    'The sign-in routes (/auth/login, /auth/callback, /auth/signed-out, /auth/logout) run before there is a token: they perform the Cognito code flow; the app verifies the token itself where one is needed.',
  );
  ack(
    w.distribution,
    'AwsSolutions-CFR1',
    'The workbench serves signed-in staff of the operator and its reviewers wherever they work; access is by Cognito group, not by country.',
  );
  ack(
    w.distribution,
    'AwsSolutions-CFR2',
    'Every app route needs a Cognito id token checked by the JWT authorizer and again by the Lambda; add a WAF web ACL in front when the operator has one.',
  );
  ack(
    w.distribution,
    'AwsSolutions-CFR4',
    'With the default *.cloudfront.net certificate CloudFront cannot raise the minimum TLS version; with a custom domain and certificate the distribution uses TLSv1.2_2021.',
  );
  const stack = Stack.of(w);
  // With a region in the stack's env (CDK_DEFAULT_REGION), the asset bucket's ARN names it and its partition.
  const known = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
  const deployment = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  for (const d of deployment) {
    const why =
      "CDK's BucketDeployment custom resource copies the workbench's static files (templates/web) into its private bucket at deploy time";
    ack(
      d,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `${why}; the managed policy only writes its logs.`,
    );
    for (const id of [
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      `AwsSolutions-IAM5[Resource::${arnToken(w.assets)}/*]`,
      `AwsSolutions-IAM5[Resource::arn:${known(stack.partition, '<AWS::Partition>')}:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${known(stack.region, '<AWS::Region>')}/*]`,
      'AwsSolutions-IAM5[Resource::*]',
    ]) {
      ack(d, id, `${why}; CDK grants it read on the asset bucket and write on the assets bucket only.`);
    }
    ack(d, 'AwsSolutions-L1', `${why}; its runtime is chosen by aws-cdk-lib.`);
  }
}
