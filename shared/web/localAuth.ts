/**
 * Sign-in for `vatp-audit serve`: one person, named at start, holds the workbench. The URL printed at start carries a
 * one-time token; the first visit exchanges it for an HttpOnly SameSite=Strict session cookie and is redirected to a
 * clean address, so the token stays neither in the address bar nor in the history. The token works once. Sessions
 * live in memory and end after an idle time and an absolute time, whichever comes first.
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from './html.js';
import {
  type Authenticator,
  type Identity,
  randomToken,
  type Session,
  sameToken,
  type WorkbenchEnv,
} from './identity.js';
import { messagePage, sendPage } from './pages/layout.js';

export const LOCAL_SESSION_COOKIE = 'vatp_session';

export interface LocalAuthOptions {
  identity: Identity;
  /** The one-time token of the printed URL (random by default). */
  token?: string;
  clock: () => Date;
  /** Idle limit and absolute limit of a session, in milliseconds. */
  idleMs?: number;
  absoluteMs?: number;
}

export const DEFAULT_IDLE_MS = 30 * 60_000;
export const DEFAULT_ABSOLUTE_MS = 12 * 60 * 60_000;

interface LocalSession {
  session: Session;
  created: number;
  lastSeen: number;
}

export interface LocalAuthenticator extends Authenticator {
  /** The path with the one-time token to print (`/auth/token?t=…`). */
  readonly signInPath: string;
}

export function localAuthenticator(o: LocalAuthOptions): LocalAuthenticator {
  let token: string | undefined = o.token ?? randomToken();
  const signInPath = `/auth/token?t=${encodeURIComponent(token)}`;
  const idleMs = o.idleMs ?? DEFAULT_IDLE_MS;
  const absoluteMs = o.absoluteMs ?? DEFAULT_ABSOLUTE_MS;
  const sessions = new Map<string, LocalSession>();
  const now = () => o.clock().getTime();

  return {
    signInPath,
    secure: false,
    register(app: Hono<WorkbenchEnv>) {
      app.get('/auth/token', (c) => {
        const offered = c.req.query('t') ?? '';
        if (token === undefined || !sameToken(offered, token)) {
          return sendPage(
            c,
            messagePage(
              'Sign-in link not valid',
              html`<p>This sign-in link has been used already or is wrong. Each link printed by
                <code>vatp-audit serve</code> works once; restart the command for a new one.</p>`,
            ),
            403,
          );
        }
        token = undefined;
        const id = randomToken();
        const created = now();
        sessions.set(id, {
          session: {
            identity: o.identity,
            csrf: randomToken(),
            expiresAt: new Date(created + absoluteMs).toISOString(),
          },
          created,
          lastSeen: created,
        });
        setCookie(c, LOCAL_SESSION_COOKIE, id, { httpOnly: true, sameSite: 'Strict', path: '/' });
        return c.redirect('/runs', 303);
      });
    },
    signOut(c: Context<WorkbenchEnv>) {
      const id = getCookie(c, LOCAL_SESSION_COOKIE);
      if (id !== undefined) sessions.delete(id);
      deleteCookie(c, LOCAL_SESSION_COOKIE, { path: '/' });
      return sendPage(
        c,
        messagePage(
          'Signed out',
          html`<p>You are signed out. Restart <code>vatp-audit serve</code> for a new sign-in link.</p>`,
        ),
      );
    },
    async session(c: Context<WorkbenchEnv>) {
      const id = getCookie(c, LOCAL_SESSION_COOKIE);
      if (id === undefined) return undefined;
      const s = sessions.get(id);
      if (s === undefined) return undefined;
      const t = now();
      if (t - s.lastSeen > idleMs || t - s.created > absoluteMs) {
        sessions.delete(id);
        return undefined;
      }
      s.lastSeen = t;
      return s.session;
    },
    unauthenticated(c: Context<WorkbenchEnv>) {
      return sendPage(
        c,
        messagePage(
          'Not signed in',
          html`<p>No session, or it expired. Open the sign-in link that <code>vatp-audit serve</code> printed (each
            link works once; restart the command for a new one).</p>`,
        ),
        401,
      );
    },
  };
}
