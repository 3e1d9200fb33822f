/**
 * The app's guards, through hono's request API on the local sign-in: the one-time token and its cookie, idle and
 * absolute expiry, the cross-site and CSRF checks on writes, the security headers, and error pages that carry an id
 * and never a stack trace.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutputSink } from '#shared/adapters/s3/outputSink.js';
import { LocalFileSigner } from '#shared/evidence/signer.js';
import type { FindingsStore } from '#shared/store/findingsStore.js';
import { createWorkbenchApp } from '#shared/web/app.js';
import { localAuthenticator } from '#shared/web/localAuth.js';
import { periodReportArchive } from '#shared/web/periodReports.js';
import { CONTENT_SECURITY_POLICY } from '#shared/web/security.js';
import { countsFor, finding, type Harness, openHarness, runStart } from '../store/harness.js';

let h: Harness;
let now = Date.parse('2026-03-01T09:00:00Z');
const logged: { requestId: string; status: number; error: unknown }[] = [];

function app(store: FindingsStore = h.store, role: 'officer' | 'reviewer' = 'officer') {
  const auth = localAuthenticator({
    identity: { name: 'J. Chan', email: null, role },
    token: 'the-token',
    clock: () => new Date(now),
  });
  return createWorkbenchApp({
    store,
    packs: { locate: async () => undefined },
    periodReports: periodReportArchive(join(h.dataDir, 'reports'), (uri) => openOutputSink(uri)),
    signer: new LocalFileSigner({ keyFile: join(h.dataDir, 'key.pem') }),
    clock: () => new Date(now),
    auth,
    toolVersion: 'test',
    newId: () => `err-${logged.length + 1}`,
    log: (e) => logged.push(e),
  });
}

async function signedIn(a: ReturnType<typeof app>): Promise<{ cookie: string; csrf: string }> {
  const res = await a.request('/auth/token?t=the-token');
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await (await a.request('/runs', { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '' };
}

beforeAll(async () => {
  h = await openHarness();
  const f = finding('run-1', 'HKVX', 'CP-1', 'T-1');
  await h.store.startRun(runStart('run-1', 'HKVX'));
  await h.store.recordFindings(runStart('run-1', 'HKVX'), [f]);
  await h.store.completeRun('run-1', countsFor([f]), { at: '2026-02-14T02:00:00Z' });
});
afterAll(async () => h?.close());

describe('local sign-in and sessions', () => {
  it('exchanges the token once for an HttpOnly SameSite=Strict cookie and a redirect to a clean address', async () => {
    const a = app();
    const res = await a.request('/auth/token?t=the-token');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/runs');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await a.request('/auth/token?t=the-token')).status).toBe(403);
    expect((await a.request('/auth/token?t=wrong')).status).toBe(403);
    expect((await a.request('/runs')).status).toBe(401);
  });

  it('ends a session after 30 idle minutes, and after 12 hours however active', async () => {
    const a = app();
    const { cookie } = await signedIn(a);
    now += 29 * 60_000;
    expect((await a.request('/runs', { headers: { cookie } })).status).toBe(200);
    now += 31 * 60_000;
    expect((await a.request('/runs', { headers: { cookie } })).status).toBe(401);
    const b = app();
    const second = await signedIn(b);
    for (let i = 0; i < 37; i++) {
      now += 20 * 60_000;
      const status = (await b.request('/runs', { headers: { cookie: second.cookie } })).status;
      expect(status).toBe(i < 36 ? 200 : 401);
    }
  });

  it('sends the security headers: a CSP without inline script, no framing, no sniffing', async () => {
    const a = app();
    const { cookie } = await signedIn(a);
    const res = await a.request('/runs', { headers: { cookie } });
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).not.toMatch(/<script>|<script [^>]*>[^<]|style="|onclick=/);
  });
});

describe('writes', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (a: ReturnType<typeof app>, path: string, headers: Record<string, string>, body: string) =>
    a.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });

  it('refuses a POST without the session token, from another site or origin, and records nothing', async () => {
    const a = app();
    const { cookie, csrf } = await signedIn(a);
    const path = `/findings/${encodeURIComponent('f-HKVX-2026-02-12-CP-1-T-1')}/respond`;
    const body = form({ _csrf: csrf, status: 'acknowledged', version: '0' });
    expect((await post(a, path, { cookie }, form({ status: 'acknowledged', version: '0' }))).status).toBe(403);
    expect((await post(a, path, { cookie, 'sec-fetch-site': 'cross-site' }, body)).status).toBe(403);
    expect((await post(a, path, { cookie, origin: 'https://evil.example' }, body)).status).toBe(403);
    expect((await post(a, path, { cookie, origin: 'null' }, body)).status).toBe(403);
    expect((await h.store.getFinding('f-HKVX-2026-02-12-CP-1-T-1'))?.version).toBe(0);
    const ok = await post(a, path, { cookie, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' }, body);
    expect(ok.status).toBe(303);
    expect((await h.store.getFinding('f-HKVX-2026-02-12-CP-1-T-1'))?.history.at(-1)?.by).toBe('J. Chan');
  });

  it('refuses an officer-only write to a reviewer with a 403 page', async () => {
    const a = app(h.store, 'reviewer');
    const { cookie, csrf } = await signedIn(a);
    const res = await post(a, '/runs/run-1/accept', { cookie }, form({ _csrf: csrf }));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('for an officer');
    expect((await h.store.getRun('run-1'))?.acceptance).toBeNull();
  });
});

describe('errors', () => {
  it('shows a plain page with an id and no stack trace, and logs the error under that id', async () => {
    const failing = new Proxy(h.store, {
      get: (target, prop) =>
        prop === 'listAllRuns'
          ? async () => {
              throw new Error('secret internal detail at /srv/x.ts:12');
            }
          : (Reflect.get(target, prop, target) as (...args: unknown[]) => unknown).bind(target),
    });
    const a = app(failing);
    const { cookie } = await signedIn(a).catch(() => ({ cookie: '' }));
    const res = await a.request('/runs', { headers: { cookie } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain('secret internal detail');
    expect(body).not.toMatch(/\.ts:\d+/);
    const id = /data-testid="error-id">([^<]+)</.exec(body)?.[1];
    expect(logged.find((e) => e.requestId === id)?.status).toBe(500);
    expect((await a.request('/runs/nope', { headers: { cookie } })).status).toBe(404);
    expect((await a.request('/findings/nope', { headers: { cookie } })).status).toBe(404);
    expect((await a.request('/runs/run-1/findings?severity=urgent', { headers: { cookie } })).status).toBe(400);
  });
});
