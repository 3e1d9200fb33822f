/**
 * lambdas/workbench.ts as API Gateway runs it: HTTP API v2 events carrying a Cognito id token (signed here with a
 * test key whose JWKS the verifier holds, so aws-jwt-verify really verifies it) and the JWT authorizer's claims,
 * against the embedded stack. The sign-in code flow, the same pages and writes as `serve`, roles, CSRF and expiry.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import type { RunningWorkbench } from '#shared/cli/serveCommand.js';
import { defaultPackLocation } from '#shared/pipeline/partition/triggerInput.js';
import type { IdTokenClaims } from '#shared/web/cognitoAuth.js';
import { createWorkbenchHandler, parseWorkbenchConfig } from '../../lambdas/workbench.js';
import { auditGenerated, EVIDENCE_BUCKET, openWebHarness, serveWorkbench, type WebHarness } from './harness.js';

const POOL = 'us-east-1_TESTPOOL1';
const CLIENT = 'workbench-test-client';
const ORIGIN = 'https://workbench.example.org';
const AUTH = 'https://vatp-test.auth.us-east-1.amazoncognito.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'test-key-1';

function idToken(claims: Partial<IdTokenClaims> & { sub: string }, expiresIn = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = {
    iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
    aud: CLIENT,
    token_use: 'id',
    auth_time: now,
    iat: now,
    exp: now + expiresIn,
    ...claims,
  };
  const input = `${b64({ alg: 'RS256', kid: KID, typ: 'JWT' })}.${b64(body)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
}

const OFFICER = { sub: 'u-1', name: 'J. Chan', email: 'j.chan@example.org', 'cognito:groups': ['officer'] };
const REVIEWER = { sub: 'u-2', name: 'R. Lee', email: 'r.lee@example.org', 'cognito:groups': ['reviewer'] };

let h: WebHarness;
let runId: string;
let handler: ReturnType<typeof createWorkbenchHandler>;
let served: RunningWorkbench;
let nextToken = '';

interface Reply {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
}

/** An API Gateway HTTP API (payload 2.0) event, as the JWT authorizer passes it on. */
async function call(
  method: string,
  pathAndQuery: string,
  o: { token?: string; cookies?: string[]; form?: Record<string, string>; origin?: string } = {},
): Promise<Reply> {
  const [path, query = ''] = pathAndQuery.split('?');
  const claims =
    o.token === undefined ? undefined : JSON.parse(Buffer.from(o.token.split('.')[1] ?? '', 'base64url').toString());
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    cookies: o.cookies ?? [],
    headers: {
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      ...(o.token !== undefined ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.form !== undefined
        ? {
            'content-type': 'application/x-www-form-urlencoded',
            origin: o.origin ?? ORIGIN,
            'sec-fetch-site': 'same-origin',
          }
        : {}),
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: `req-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: '08/Dec/2026:01:00:00 +0000',
      timeEpoch: Date.now(),
      ...(claims !== undefined ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
    body: o.form === undefined ? undefined : new URLSearchParams(o.form).toString(),
    isBase64Encoded: false,
  };
  const res = (await handler(event as never)) as unknown as Reply;
  return res;
}

const cookieValue = (cookies: string[] | undefined, name: string) =>
  cookies?.find((c) => c.startsWith(`${name}=`))?.split(';')[0];

/** Signs in through /auth/login and /auth/callback (the token endpoint answers with the given token). */
async function signIn(token: string): Promise<string[]> {
  const login = await call('GET', '/auth/login');
  expect(login.statusCode).toBe(303);
  const authorize = new URL(login.headers.location ?? '');
  expect(authorize.origin + authorize.pathname).toBe(`${AUTH}/oauth2/authorize`);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${ORIGIN}/auth/callback`);
  const pkce = cookieValue(login.cookies, '__Secure-vatp_pkce') ?? '';
  nextToken = token;
  const cb = await call('GET', `/auth/callback?code=the-code&state=${authorize.searchParams.get('state')}`, {
    cookies: [pkce],
  });
  expect(cb.statusCode).toBe(303);
  expect(cb.headers.location).toBe('/runs');
  const set = cb.cookies ?? [];
  const id = set.find((c) => c.startsWith('__Host-vatp_id='));
  expect(id).toMatch(/HttpOnly/);
  expect(id).toMatch(/Secure/);
  return ['__Host-vatp_csrf', '__Host-vatp_seen'].map((n) => cookieValue(set, n) ?? '');
}

function csrfOf(body: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
}

/** The page's main content with what differs per session (CSRF tokens) blanked. */
function mainOf(body: string): string {
  return (/<main[^>]*>([\s\S]*)<\/main>/.exec(body)?.[1] ?? '').replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf"');
}

beforeAll(async () => {
  h = await openWebHarness();
  const audited = await auditGenerated(h, 'hkvx', { seed: 5, orders: 1500 });
  runId = audited.runId;
  // The pack where remote and scheduled runs put it, as the Lambda looks for it.
  const run = await h.store.getRun(runId);
  const sink = openOutputSink(
    defaultPackLocation(EVIDENCE_BUCKET, { runId, venue: run?.venue ?? '', periodStart: run?.period_start ?? '' }),
    { s3: h.stack.s3 },
  );
  for (const name of await readdir(audited.packDir))
    await sink.write(name, await readFile(join(audited.packDir, name)));
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'id', clientId: CLIENT });
  verifier.cacheJwks({
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' } as never],
  });
  handler = createWorkbenchHandler({
    config: parseWorkbenchConfig({
      VATP_AUDIT_FINDINGS_TABLE: 'workbench-findings',
      VATP_AUDIT_EVIDENCE_BUCKET: EVIDENCE_BUCKET,
      VATP_AUDIT_SIGNING_KEY_ID: 'alias/unused-in-tests',
      VATP_AUDIT_USER_POOL_ID: POOL,
      VATP_AUDIT_USER_POOL_CLIENT_ID: CLIENT,
      VATP_AUDIT_AUTH_DOMAIN: AUTH,
      VATP_AUDIT_PUBLIC_ORIGIN: ORIGIN,
    }),
    store: h.store,
    s3: h.stack.s3,
    signer: h.signer,
    verifyIdToken: async (t) => (await verifier.verify(t)) as unknown as IdTokenClaims,
    clock: () => new Date(),
    fetch: (async (url: string, init: RequestInit) => {
      expect(url).toBe(`${AUTH}/oauth2/token`);
      const form = new URLSearchParams(String(init.body));
      expect(form.get('code_verifier')?.length).toBeGreaterThan(40);
      return new Response(JSON.stringify({ id_token: nextToken, token_type: 'Bearer' }), { status: 200 });
    }) as typeof fetch,
  });
  served = await serveWorkbench(h, { identity: { name: 'J. Chan', email: null, role: 'officer' } });
}, 180_000);

afterAll(async () => {
  await served?.close();
  await h?.close();
});

describe('the workbench Lambda', { timeout: 60_000 }, () => {
  it('sends a request without a session to the Cognito sign-in (PKCE), and refuses a bad callback', async () => {
    const res = await call('GET', '/runs');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain(`${AUTH}/oauth2/authorize`);
    const bad = await call('GET', '/auth/callback?code=x&state=forged');
    expect(bad.statusCode).toBe(403);
    expect(bad.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('serves the same pages as serve, for the signed-in Cognito identity', async () => {
    const token = idToken(OFFICER);
    const cookies = await signIn(token);
    const local = await fetch(served.signInUrl, { redirect: 'manual' });
    const localCookie = (local.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const findingId = (await h.store.runFindingRows(runId))[0]?.finding_id ?? '';
    for (const path of [
      `/runs/${runId}`,
      `/runs/${runId}/findings?check=DQ-1&sort=subject`,
      `/findings/${findingId}`,
    ]) {
      const lambda = await call('GET', path, { token, cookies });
      expect(lambda.statusCode).toBe(200);
      expect(lambda.headers['content-security-policy']).toContain("script-src 'self'");
      const serve = await (await fetch(`${served.origin}${path}`, { headers: { cookie: localCookie } })).text();
      expect(mainOf(lambda.body).length).toBeGreaterThan(500);
      expect(mainOf(lambda.body)).toBe(mainOf(serve));
    }
    const runs = await call('GET', '/runs', { token, cookies });
    expect(runs.body).toContain('J. Chan');
    expect(runs.body).toContain('verified');
  });

  it('records a response and an acceptance as the token identity, never a form field', async () => {
    const token = idToken(OFFICER);
    const cookies = await signIn(token);
    const findingId = (await h.store.runFindingRows(runId))[1]?.finding_id ?? '';
    const page = await call('GET', `/findings/${findingId}`, { token, cookies });
    const csrf = csrfOf(page.body);
    const res = await call('POST', `/findings/${findingId}/respond`, {
      token,
      cookies,
      form: { _csrf: csrf, status: 'acknowledged', note: 'seen', version: '0', by: 'Somebody Else' },
    });
    expect(res.statusCode).toBe(303);
    const stored = await h.store.getFinding(findingId);
    expect(stored?.history.at(-1)).toMatchObject({ status: 'acknowledged', by: 'J. Chan', note: 'seen' });
    const accept = await call('POST', `/runs/${runId}/accept`, {
      token,
      cookies,
      form: { _csrf: csrf, note: 'ok', by: 'x' },
    });
    expect(accept.statusCode).toBe(303);
    expect((await h.store.getRun(runId))?.acceptance?.by).toBe('J. Chan');
  });

  it('refuses writes to a reviewer, without a CSRF token, and from another origin', async () => {
    const findingId = (await h.store.runFindingRows(runId))[2]?.finding_id ?? '';
    const reviewerToken = idToken(REVIEWER);
    const rc = await signIn(reviewerToken);
    const page = await call('GET', `/findings/${findingId}`, { token: reviewerToken, cookies: rc });
    expect(page.body).toContain('respond-readonly');
    const form = { _csrf: csrfOf(page.body), status: 'remediated', note: 'n', version: '0' };
    const byReviewer = await call('POST', `/findings/${findingId}/respond`, {
      token: reviewerToken,
      cookies: rc,
      form,
    });
    expect(byReviewer.statusCode).toBe(403);
    const officerToken = idToken(OFFICER);
    const oc = await signIn(officerToken);
    const noCsrf = await call('POST', `/findings/${findingId}/respond`, {
      token: officerToken,
      cookies: oc,
      form: { ...form, _csrf: 'forged' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const officerPage = await call('GET', `/findings/${findingId}`, { token: officerToken, cookies: oc });
    const crossSite = await call('POST', `/findings/${findingId}/respond`, {
      token: officerToken,
      cookies: oc,
      form: { ...form, _csrf: csrfOf(officerPage.body) },
      origin: 'https://attacker.example',
    });
    expect(crossSite.statusCode).toBe(403);
    expect((await h.store.getFinding(findingId))?.version).toBe(0);
  });

  it('ends the session when the token expires, and refuses a person in neither group', async () => {
    const expired = idToken(OFFICER, -60);
    const cookies = await signIn(idToken(OFFICER));
    const res = await call('GET', '/runs', { token: expired, cookies });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/oauth2/authorize');
    const nobody = idToken({ sub: 'u-3', name: 'N. One', 'cognito:groups': ['staff'] });
    const nc = await signIn(nobody);
    const refused = await call('GET', '/runs', { token: nobody, cookies: nc });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('neither the reviewer nor the officer group');
  });
});
