/**
 * The workbench in the synthesized template: the JWT authorizer on every app route but the sign-in routes, the Cognito
 * groups, CloudFront with origin access control for the static files and the viewer-request function, and the
 * Lambda's least-privilege statements. The viewer-request function itself is run on sample requests.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VatpAuditStack } from '../../cdk/vatpAuditStack.js';
import {
  VIEWER_REQUEST_FUNCTION,
  WORKBENCH_LEADING_KEYS,
  WORKBENCH_REPORTS_PREFIX,
  WORKBENCH_TABLE_READS,
  WORKBENCH_TABLE_WRITES,
} from '../../cdk/workbench.js';
import { cleanupAssemblies, synthStack } from './synthHelpers.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON, read by the assertions below
type Cfn = any;
let stack: VatpAuditStack;
let resources: Record<string, Cfn>;

beforeAll(() => {
  const synth = synthStack();
  stack = synth.stack;
  resources = synth.template.toJSON().Resources as Record<string, Cfn>;
});
afterAll(() => cleanupAssemblies());

const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('the workbench on AWS', () => {
  it('guards every app route with the Cognito JWT authorizer; only the sign-in routes run without it', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['ANY /auth/{proxy+}', 'ANY /{proxy+}', 'GET /']);
    for (const r of routes) {
      if (r.RouteKey === 'ANY /auth/{proxy+}') expect(r.AuthorizationType).toBe('NONE');
      else expect(r.AuthorizationType).toBe('JWT');
    }
    const [[, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Cfn]];
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual([{ Ref: logicalId(stack.workbench.client) }]);
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toContain(
      logicalId(stack.workbench.userPool),
    );
  });

  it('has a user pool without self sign-up, MFA required, groups reviewer and officer, and a PKCE code-flow client', () => {
    const pool = resources[logicalId(stack.workbench.userPool)]?.Properties;
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.MfaConfiguration).toBe('ON');
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties.GroupName);
    expect(groups.sort()).toEqual(['officer', 'reviewer']);
    const client = resources[logicalId(stack.workbench.client)]?.Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(JSON.stringify(client.CallbackURLs)).toContain('/auth/callback');
  });

  it('serves the static files from a private bucket through CloudFront origin access control, the rest from the API', () => {
    const [[, dist]] = ofType('AWS::CloudFront::Distribution') as [[string, Cfn]];
    const config = dist.Properties.DistributionConfig;
    const s3Origin = config.Origins.find((o: Cfn) => o.S3OriginConfig !== undefined);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    const [staticBehavior] = config.CacheBehaviors;
    expect(staticBehavior.PathPattern).toBe('/static/*');
    expect(staticBehavior.TargetOriginId).toBe(s3Origin.Id);
    const app = config.DefaultCacheBehavior;
    expect(app.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(app.FunctionAssociations).toHaveLength(1);
    expect(app.FunctionAssociations[0].EventType).toBe('viewer-request');
    const assets = resources[logicalId(stack.workbench.assets)]?.Properties;
    expect(assets.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) =>
      JSON.stringify(p.Properties.Bucket).includes(logicalId(stack.workbench.assets)),
    )?.[1];
    const read = policy?.Properties.PolicyDocument.Statement.find(
      (s: Cfn) => s.Principal?.Service === 'cloudfront.amazonaws.com',
    );
    expect(read.Action).toBe('s3:GetObject');
    expect(JSON.stringify(read.Condition)).toContain('AWS:SourceArn');
  });

  it('grants the Lambda reads of table and evidence, writes of review state and acceptance, and report writes under its prefix only', () => {
    const role = stack.getLogicalId(stack.workbench.function.fn.role?.node.defaultChild as never);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, r]) => JSON.stringify(r.Properties.Roles).includes(role))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Cfn[]);
    const actions = statements.flatMap((s) => [].concat(s.Action));
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 's3:DeleteObject']) {
      expect(actions).not.toContain(forbidden);
    }
    const writes = statements.find((s) => JSON.stringify(s.Action) === JSON.stringify(WORKBENCH_TABLE_WRITES));
    expect(writes.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...WORKBENCH_LEADING_KEYS] },
    });
    expect(JSON.stringify(writes.Resource)).not.toContain('/index/');
    const reads = statements.find((s) => JSON.stringify(s.Action) === JSON.stringify(WORKBENCH_TABLE_READS));
    expect(JSON.stringify(reads.Resource)).toContain('/index/*');
    const put = statements.find((s) => s.Action === 's3:PutObject');
    expect(JSON.stringify(put.Resource)).toContain(`/${WORKBENCH_REPORTS_PREFIX}*`);
    expect(JSON.stringify(put.Resource)).not.toContain('/packs/');
    const get = statements.find((s) => s.Action === 's3:GetObject');
    expect(JSON.stringify(get.Resource)).not.toMatch(/Arn"\]\},"\/\*"/);
    const sign = statements.find((s) => JSON.stringify(s.Action).includes('kms:Sign'));
    expect(sign.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack.signingKey), 'Arn'] });
  });
});

describe('the CloudFront viewer-request function', () => {
  const handler = new Function(`${VIEWER_REQUEST_FUNCTION}; return handler;`)() as (e: unknown) => Cfn;
  const token = (exp: number) =>
    [{ alg: 'RS256' }, { sub: 'u', exp }].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') +
    `.${createHmac('sha256', 'k').update('x').digest('base64url')}`;
  const request = (uri: string, method: string, cookie?: string) => ({
    request: { uri, method, headers: {}, cookies: cookie === undefined ? {} : { '__Host-vatp_id': { value: cookie } } },
  });

  it('moves a live id-token cookie into the Authorization header', () => {
    const t = token(Math.floor(Date.now() / 1000) + 600);
    expect(handler(request('/runs', 'GET', t)).headers.authorization).toEqual({ value: `Bearer ${t}` });
  });

  it('sends a GET without a live token to the sign-in and refuses other methods; leaves /auth/ and /static/ alone', () => {
    expect(handler(request('/runs', 'GET')).statusCode).toBe(302);
    expect(handler(request('/runs', 'GET', token(Math.floor(Date.now() / 1000) - 5))).headers.location.value).toBe(
      '/auth/login',
    );
    expect(handler(request('/runs/x/accept', 'POST', 'not-a-jwt')).statusCode).toBe(401);
    expect(handler(request('/auth/callback', 'GET')).uri).toBe('/auth/callback');
    expect(handler(request('/static/workbench.css', 'GET')).uri).toBe('/static/workbench.css');
  });
});
