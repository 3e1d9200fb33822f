/**
 * Sign-in on AWS through a Cognito user pool (authorization-code flow with PKCE). /auth/login sends the browser to the
 * pool's hosted sign-in with a state and a code challenge kept in a short-lived cookie; /auth/callback exchanges the
 * code for tokens and keeps the id token in an HttpOnly Secure cookie, which a CloudFront viewer-request function
 * moves into the Authorization header for the HTTP API's JWT authorizer. The app verifies the token again
 * (signature, issuer, audience, expiry) and takes the person's name and email, and the role from `cognito:groups`.
 *
 * A session ends when the id token expires (absolute) or after the idle limit: each request renews a signed
 * last-seen cookie. The CSRF token is an HMAC of the token's identity under a random per-browser secret cookie.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ForbiddenError } from './errors.js';
import { html } from './html.js';
import {
  type Authenticator,
  boundToken,
  type Identity,
  type Role,
  randomToken,
  type Session,
  sameToken,
  type WorkbenchEnv,
} from './identity.js';
import { messagePage, sendPage } from './pages/layout.js';

/** The claims of a verified Cognito id token the workbench reads. */
export interface IdTokenClaims {
  sub: string;
  exp: number;
  email?: string;
  name?: string;
  'cognito:username'?: string;
  'cognito:groups'?: string[];
  [claim: string]: unknown;
}

export interface CognitoAuthOptions {
  /** Verifies an id token (aws-jwt-verify's CognitoJwtVerifier in the Lambda) and returns its claims, or throws. */
  verifyIdToken(token: string): Promise<IdTokenClaims>;
  /** The user pool's hosted domain, https://<prefix>.auth.<region>.amazoncognito.com */
  authDomain: string;
  clientId: string;
  /** The workbench's address as browsers see it (CloudFront), https://… */
  publicOrigin: string;
  clock: () => Date;
  idleMs?: number;
  /** The token endpoint call (fetch by default). */
  fetch?: typeof fetch;
}

export const ID_COOKIE = '__Host-vatp_id';
const CSRF_COOKIE = '__Host-vatp_csrf';
const SEEN_COOKIE = '__Host-vatp_seen';
const PKCE_COOKIE = '__Secure-vatp_pkce';
const DEFAULT_IDLE_MS = 30 * 60_000;

/** The role a person's groups give: officer wins over reviewer; neither group, no access. */
export function roleOf(groups: readonly string[] | undefined): Role | undefined {
  if (groups?.includes('officer')) return 'officer';
  if (groups?.includes('reviewer')) return 'reviewer';
  return undefined;
}

export function identityOf(claims: IdTokenClaims): Identity | undefined {
  const role = roleOf(claims['cognito:groups']);
  if (role === undefined) return undefined;
  const name = claims.name ?? claims.email ?? claims['cognito:username'] ?? claims.sub;
  return { name, email: claims.email ?? null, role };
}

function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return getCookie(c, ID_COOKIE);
}

export function cognitoAuthenticator(o: CognitoAuthOptions): Authenticator {
  const idleMs = o.idleMs ?? DEFAULT_IDLE_MS;
  const callback = `${o.publicOrigin}/auth/callback`;
  const doFetch = o.fetch ?? fetch;
  const cookie = { httpOnly: true, secure: true, path: '/' } as const;
  const seenValue = (secret: string, sub: string, at: number) =>
    `${at}.${createHmac('sha256', secret).update(`seen:${sub}:${at}`).digest('base64url')}`;

  const signIn = (c: Context<WorkbenchEnv>) => {
    const state = randomToken(16);
    const verifier = randomToken(32);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    setCookie(c, PKCE_COOKIE, `${state}.${verifier}`, {
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/auth/callback',
      maxAge: 600,
    });
    const url = new URL(`${o.authDomain}/oauth2/authorize`);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', o.clientId);
    url.searchParams.set('redirect_uri', callback);
    url.searchParams.set('scope', 'openid email profile');
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', challenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return c.redirect(url.toString(), 303);
  };

  return {
    secure: true,
    register(app: Hono<WorkbenchEnv>) {
      app.get('/auth/login', (c) => signIn(c));
      app.get('/auth/callback', async (c) => {
        const [state, verifier] = (getCookie(c, PKCE_COOKIE) ?? '').split('.');
        const code = c.req.query('code');
        if (
          state === undefined ||
          verifier === undefined ||
          code === undefined ||
          !sameToken(c.req.query('state') ?? '', state)
        ) {
          throw new ForbiddenError('This sign-in did not start here or took too long; sign in again.');
        }
        const res = await doFetch(`${o.authDomain}/oauth2/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: o.clientId,
            code,
            redirect_uri: callback,
            code_verifier: verifier,
          }).toString(),
        });
        if (!res.ok) throw new ForbiddenError('The sign-in service refused the sign-in; sign in again.');
        const tokens = (await res.json()) as { id_token?: string };
        if (typeof tokens.id_token !== 'string') throw new ForbiddenError('The sign-in service gave no id token.');
        const claims = await o.verifyIdToken(tokens.id_token);
        const now = o.clock().getTime();
        const maxAge = Math.max(0, Math.floor(claims.exp - now / 1000));
        const secret = randomToken();
        deleteCookie(c, PKCE_COOKIE, { path: '/auth/callback', secure: true });
        setCookie(c, ID_COOKIE, tokens.id_token, { ...cookie, sameSite: 'Lax', maxAge });
        setCookie(c, CSRF_COOKIE, secret, { ...cookie, sameSite: 'Strict', maxAge });
        setCookie(c, SEEN_COOKIE, seenValue(secret, claims.sub, now), { ...cookie, sameSite: 'Strict', maxAge });
        return c.redirect('/runs', 303);
      });
      app.get('/auth/signed-out', (c) =>
        sendPage(
          c,
          messagePage('Signed out', html`<p>You are signed out. <a href="/auth/login">Sign in again</a>.</p>`),
        ),
      );
    },
    signOut(c: Context<WorkbenchEnv>) {
      for (const name of [ID_COOKIE, CSRF_COOKIE, SEEN_COOKIE]) deleteCookie(c, name, { path: '/', secure: true });
      const url = new URL(`${o.authDomain}/logout`);
      url.searchParams.set('client_id', o.clientId);
      url.searchParams.set('logout_uri', `${o.publicOrigin}/auth/signed-out`);
      return c.redirect(url.toString(), 303);
    },
    async session(c: Context<WorkbenchEnv>): Promise<Session | undefined> {
      const token = bearer(c);
      const secret = getCookie(c, CSRF_COOKIE);
      if (token === undefined || secret === undefined) return undefined;
      let claims: IdTokenClaims;
      try {
        claims = await o.verifyIdToken(token);
      } catch {
        return undefined;
      }
      const now = o.clock().getTime();
      const [seenAt, seenMac] = (getCookie(c, SEEN_COOKIE) ?? '').split('.');
      const seen = Number(seenAt);
      if (
        seenMac === undefined ||
        !Number.isFinite(seen) ||
        !sameToken(seenValue(secret, claims.sub, seen), `${seenAt}.${seenMac}`) ||
        now - seen > idleMs
      ) {
        return undefined;
      }
      const identity = identityOf(claims);
      if (identity === undefined) {
        throw new ForbiddenError(
          'Your account is in neither the reviewer nor the officer group; ask an administrator.',
        );
      }
      const maxAge = Math.max(0, Math.floor(claims.exp - now / 1000));
      setCookie(c, SEEN_COOKIE, seenValue(secret, claims.sub, now), { ...cookie, sameSite: 'Strict', maxAge });
      return {
        identity,
        csrf: boundToken(secret, `${claims.sub}:${claims.exp}`),
        expiresAt: new Date(claims.exp * 1000).toISOString(),
      };
    },
    unauthenticated(c: Context<WorkbenchEnv>) {
      if (c.req.method === 'GET') return signIn(c);
      return sendPage(
        c,
        messagePage(
          'Not signed in',
          html`<p>Your session ended. <a href="/auth/login">Sign in again</a>; then send the form again.</p>`,
        ),
        401,
      );
    },
  };
}
