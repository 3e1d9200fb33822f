/** Who is signed in and what they may do; the session that carries them. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';

export const ROLES = ['reviewer', 'officer'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in person. The name is what responses and acceptances record. */
export interface Identity {
  name: string;
  email: string | null;
  role: Role;
}

export interface Session {
  identity: Identity;
  /** The token every form of this session carries; a POST without it is refused. */
  csrf: string;
  /** When the session ends whatever happens (ISO); shown in the page footer. */
  expiresAt: string;
}

export type WorkbenchEnv = { Variables: { session: Session; requestId: string } };

/** How a request is tied to a person: the local one-time token and cookie, or Cognito on AWS. */
export interface Authenticator {
  /** Routes that run without a session: token exchange, sign-in and its callback, sign-out. */
  register(app: Hono<WorkbenchEnv>): void;
  /** The session of this request, or undefined when there is none (or it expired). */
  session(c: Context<WorkbenchEnv>): Promise<Session | undefined>;
  /** What a request without a session gets (a sign-in redirect, or a page saying how to get in). */
  unauthenticated(c: Context<WorkbenchEnv>): Response | Promise<Response>;
  /** Ends the session (POST /auth/logout, after the CSRF check). */
  signOut(c: Context<WorkbenchEnv>): Response | Promise<Response>;
  /** Whether cookies need `Secure` (served over HTTPS). */
  readonly secure: boolean;
}

export function isOfficer(identity: Identity): boolean {
  return identity.role === 'officer';
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time comparison of two tokens (different lengths compare unequal). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A token bound to one session: HMAC of the session's identifier under a secret only the server and cookie hold. */
export function boundToken(secret: string, sessionKey: string): string {
  return createHmac('sha256', secret).update(sessionKey).digest('base64url');
}
