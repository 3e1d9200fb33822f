/**
 * Middleware every response and every write passes: security headers (a CSP with no inline script or style), the
 * session check, the cross-site check of writes (Origin and Sec-Fetch-Site, then the session's CSRF token), and the
 * error page (an id to quote, never a stack trace).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError, WebError } from './errors.js';
import { html } from './html.js';
import { type Authenticator, sameToken, type WorkbenchEnv } from './identity.js';
import { messagePage, sendPage } from './pages/layout.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(opts: { secure: boolean }): MiddlewareHandler<WorkbenchEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the workbench's own form posts.
    h.set('Referrer-Policy', 'same-origin');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (!c.req.path.startsWith('/static/')) h.set('Cache-Control', 'no-store');
    if (opts.secure) h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}

export function requireSession(auth: Authenticator): MiddlewareHandler<WorkbenchEnv> {
  return async (c, next) => {
    const session = await auth.session(c);
    if (session === undefined) return auth.unauthenticated(c);
    c.set('session', session);
    await next();
  };
}

/**
 * Writes must come from the workbench's own pages: a POST whose Origin is another site, or that the browser marks as
 * cross-site, is refused before its form is read; then the form's `_csrf` must equal the session's token.
 */
export function csrfGuard(opts: { publicOrigin?: string }): MiddlewareHandler<WorkbenchEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new ForbiddenError('This form was sent from another site and was refused.');
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== 'null' && origin !== (opts.publicOrigin ?? new URL(c.req.url).origin)) {
      throw new ForbiddenError('This form was sent from another origin and was refused.');
    }
    if (origin === 'null') throw new ForbiddenError('This form was sent from an opaque origin and was refused.');
    const body = await c.req.parseBody();
    const token = typeof body._csrf === 'string' ? body._csrf : '';
    if (!sameToken(token, c.get('session').csrf)) {
      throw new ForbiddenError(
        'This form is out of date or was not sent from the workbench; reload the page and try again.',
      );
    }
    return next();
  };
}

export type ErrorLog = (entry: { requestId: string; status: number; error: unknown }) => void;

/** The error page: WebErrors show their (safe) message; anything else shows only the id that the log carries. */
export function errorPage(c: Context<WorkbenchEnv>, error: unknown, log: ErrorLog): Response | Promise<Response> {
  const requestId = c.get('requestId') ?? 'unknown';
  const status = error instanceof WebError ? error.status : 500;
  log({ requestId, status, error });
  const title =
    status === 403
      ? 'Not allowed'
      : status === 404
        ? 'Not found'
        : status === 400 || status === 409
          ? 'Cannot do that'
          : 'Something went wrong';
  const message =
    error instanceof WebError
      ? error.message
      : 'The workbench could not complete this request. Nothing you entered is shown here; quote the id below when you report it.';
  return sendPage(
    c,
    messagePage(
      title,
      html`<p data-testid="error-message">${message}</p>
<p>Error id: <code data-testid="error-id">${requestId}</code></p>
<p><a href="/runs">Back to the runs</a></p>`,
    ),
    status,
  );
}
