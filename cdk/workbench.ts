/**
 * The reviewer workbench on AWS: CloudFront as the single origin (the static files from a private bucket through
 * origin access control, everything else from an HTTP API), a Cognito user pool with the groups `reviewer` and
 * `officer`, the HTTP API's JWT authorizer on every app route (the sign-in routes under /auth/ excepted: they run the
 * code flow), and one Lambda with the same hono app as `vatp-audit serve`. A CloudFront viewer-request function moves
 * the id-token cookie into the Authorization header the authorizer reads, and sends a browser without a live token to
 * the sign-in. The Lambda's grants: read the findings table and the evidence bucket, write review state and run
 * acceptance (no deletes, no scans), write period reports under a prefix of its own, sign them with the signing key.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { AuditFunction } from './auditFunction.js';

export const WORKBENCH_REPORTS_PREFIX = 'workbench/period-reports/';

/** The store's reads and the writes of a response and of an acceptance: no DeleteItem, no Scan, no table changes. */
export const WORKBENCH_TABLE_READS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
export const WORKBENCH_TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'] as const;
/** Partitions the workbench writes: a finding's review and view items, run items, a period's accepted-run item. */
export const WORKBENCH_LEADING_KEYS = ['F#*', 'R#*', 'P#*'] as const;

/**
 * CloudFront viewer-request function (cloudfront-js-2.0): app requests get the id-token cookie as a bearer token;
 * without the cookie, or with a token past its expiry, a GET goes to the sign-in and anything else gets 401. The
 * signature is checked by the JWT authorizer and by the Lambda, not here.
 */
export const VIEWER_REQUEST_FUNCTION = `
function decode(part) {
  var s = part.replace(/-/g, '+').replace(/_/g, '/');
  var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var out = '', buffer = 0, bits = 0;
  for (var i = 0; i < s.length; i++) {
    var v = alphabet.indexOf(s.charAt(i));
    if (v < 0) continue;
    buffer = ((buffer << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) { bits -= 8; out += String.fromCharCode((buffer >> bits) & 255); }
  }
  return out;
}
function live(token) {
  try {
    var claims = JSON.parse(decode(token.split('.')[1] || ''));
    return typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
  } catch (e) {
    return false;
  }
}
function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('/static/') === 0 || request.uri.indexOf('/auth/') === 0) return request;
  var cookie = request.cookies['__Host-vatp_id'];
  if (cookie && cookie.value && live(cookie.value)) {
    request.headers['authorization'] = { value: 'Bearer ' + cookie.value };
    return request;
  }
  if (request.method === 'GET') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/auth/login' } } };
  }
  return { statusCode: 401, statusDescription: 'Unauthorized' };
}
`;

export interface WorkbenchProps {
  findingsTable: dynamodb.ITable;
  evidenceBucket: s3.IBucket;
  /** The key of the evidence bucket and the findings table. */
  evidenceKey: kms.IKey;
  signingKey: kms.IKey;
  accessLogBucket: s3.IBucket;
  logRetention: logs.RetentionDays;
  /** The Cognito hosted-domain prefix (globally unique per region). */
  authDomainPrefix: string;
  toolVersion?: string;
}

/** The user pool: no self sign-up, administrators add people and put them in a group; strong passwords and MFA. */
export function workbenchUserPoolProps(): cognito.UserPoolProps {
  return {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    standardAttributes: { fullname: { required: true, mutable: true }, email: { required: true, mutable: false } },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

export class Workbench extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly api: apigw.HttpApi;
  readonly distribution: cloudfront.Distribution;
  readonly assets: s3.Bucket;
  readonly function: AuditFunction;

  constructor(scope: Construct, id: string, props: WorkbenchProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'Users', workbenchUserPoolProps());
    for (const group of ['reviewer', 'officer'] as const) {
      this.userPool.addGroup(group, {
        groupName: group,
        description: group === 'officer' ? 'Reads, responds to findings, accepts runs' : 'Reads only',
      });
    }
    const domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.authDomainPrefix } });

    this.assets = new s3.Bucket(this, 'Assets', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'workbench-assets/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'vatp-audit reviewer workbench',
      createDefaultStage: true,
    });
    const apiLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = this.api.defaultStage?.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: apiLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        sub: '$context.authorizer.claims.sub',
        error: '$context.authorizer.error',
      }),
    };

    const appFunction = new cloudfront.Function(this, 'ViewerRequest', {
      code: cloudfront.FunctionCode.fromInline(VIEWER_REQUEST_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'id-token cookie to Authorization header; sign-in when missing or expired',
    });
    const apiDomain = `${this.api.apiId}.execute-api.${this.api.stack.region}.${this.api.stack.urlSuffix}`;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'vatp-audit reviewer workbench',
      defaultBehavior: {
        origin: new origins.HttpOrigin(apiDomain, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // With caching disabled this forwards the Authorization header the function sets; the API needs its own Host.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: appFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/static/*': {
          origin: origins.S3BucketOrigin.withOriginAccessControl(this.assets),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: props.accessLogBucket,
      logFilePrefix: 'workbench-cloudfront/',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    new s3deploy.BucketDeployment(this, 'StaticFiles', {
      sources: [s3deploy.Source.asset(fileURLToPath(new URL('../templates/web/', import.meta.url)))],
      destinationBucket: this.assets,
      destinationKeyPrefix: 'static/',
      distribution: this.distribution,
      distributionPaths: ['/static/*'],
      prune: true,
    });

    const origin = `https://${this.distribution.distributionDomainName}`;
    this.client = this.userPool.addClient('Browser', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${origin}/auth/callback`],
        logoutUrls: [`${origin}/auth/signed-out`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });

    this.function = new AuditFunction(this, 'App', {
      entry: 'workbench.ts',
      description: 'vatp-audit reviewer workbench (the same app as vatp-audit serve)',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      logRetention: props.logRetention,
      environment: {
        VATP_AUDIT_FINDINGS_TABLE: props.findingsTable.tableName,
        VATP_AUDIT_EVIDENCE_BUCKET: props.evidenceBucket.bucketName,
        VATP_AUDIT_REPORTS_PREFIX: WORKBENCH_REPORTS_PREFIX,
        VATP_AUDIT_SIGNING_KEY_ID: props.signingKey.keyArn,
        VATP_AUDIT_USER_POOL_ID: this.userPool.userPoolId,
        VATP_AUDIT_USER_POOL_CLIENT_ID: this.client.userPoolClientId,
        VATP_AUDIT_AUTH_DOMAIN: domain.baseUrl(),
        VATP_AUDIT_PUBLIC_ORIGIN: origin,
        ...(props.toolVersion !== undefined ? { VATP_AUDIT_TOOL_VERSION: props.toolVersion } : {}),
      },
    });
    grantWorkbench(this.function.fn, props);

    const integration = new HttpLambdaIntegration('App', this.function.fn);
    const authorizer = new HttpJwtAuthorizer(
      'Cognito',
      `https://cognito-idp.${this.api.stack.region}.${this.api.stack.urlSuffix}/${this.userPool.userPoolId}`,
      { jwtAudience: [this.client.userPoolClientId], identitySource: ['$request.header.Authorization'] },
    );
    // The sign-in routes run without the authorizer (no token yet); everything else needs a valid id token.
    this.api.addRoutes({ path: '/auth/{proxy+}', methods: [apigw.HttpMethod.ANY], integration });
    this.api.addRoutes({ path: '/', methods: [apigw.HttpMethod.GET], integration, authorizer });
    this.api.addRoutes({ path: '/{proxy+}', methods: [apigw.HttpMethod.ANY], integration, authorizer });

    new CfnOutput(this, 'Url', { value: origin, description: 'The reviewer workbench' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
  }
}

/** Least privilege for the workbench Lambda (see the class comment). */
function grantWorkbench(fn: iam.IGrantable, p: WorkbenchProps): void {
  const add = (statement: iam.PolicyStatementProps) =>
    fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement(statement));
  const table = p.findingsTable.tableArn;
  add({ actions: [...WORKBENCH_TABLE_READS], resources: [table, `${table}/index/*`] });
  add({
    actions: [...WORKBENCH_TABLE_WRITES],
    resources: [table],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...WORKBENCH_LEADING_KEYS] } },
  });
  add({
    actions: ['s3:ListBucket'],
    resources: [p.evidenceBucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': ['packs/*', 'findings/*', `${WORKBENCH_REPORTS_PREFIX}*`] } },
  });
  add({
    actions: ['s3:GetObject'],
    resources: [
      p.evidenceBucket.arnForObjects('packs/*'),
      p.evidenceBucket.arnForObjects('findings/*'),
      p.evidenceBucket.arnForObjects(`${WORKBENCH_REPORTS_PREFIX}*`),
    ],
  });
  add({ actions: ['s3:PutObject'], resources: [p.evidenceBucket.arnForObjects(`${WORKBENCH_REPORTS_PREFIX}*`)] });
  add({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [p.evidenceKey.keyArn] });
  add({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [p.signingKey.keyArn] });
}
