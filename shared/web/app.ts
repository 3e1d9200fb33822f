/**
 * The reviewer workbench: a hono app over the findings store, the evidence packs and the period-report builder —
 * the same domain code as the command line and the Lambdas. Everything it touches is injected (store, pack locator,
 * report archive, signer, clock, authenticator), so `vatp-audit serve` and the Lambda build the same app and differ
 * only in who signs in and where things are.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { OutputSink } from '../adapters/s3/outputSink.js';
import type { Signer } from '../evidence/signer.js';
import { isSafeRelativeName } from '../evidence/verify.js';
import { UsageError } from '../pipeline/errors.js';
import type { RunSummary } from '../pipeline/summary.js';
import { FindingNotFoundError, RunNotFoundError, StoreValidationError } from '../store/errors.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunRecord } from '../store/types.js';
import { NotFoundError, WebError } from './errors.js';
import type { Authenticator, WorkbenchEnv } from './identity.js';
import { type PackLocation, type PackLocator, VerifyCache } from './packs.js';
import type { PeriodReportArchive } from './periodReports.js';
import { registerReviewRoutes } from './routes/review.js';
import { registerRunRoutes } from './routes/runs.js';
import { RunRowsCache } from './runRows.js';
import { csrfGuard, type ErrorLog, errorPage, requireSession, securityHeaders } from './security.js';
import { type StaticAssets, serveStatic } from './staticAssets.js';

export interface WorkbenchDeps {
  store: FindingsStore;
  packs: PackLocator;
  periodReports: PeriodReportArchive;
  signer: Signer;
  clock: () => Date;
  auth: Authenticator;
  toolVersion: string;
  /** The CSS and script under /static/ (on AWS CloudFront serves them from S3 and this is left out). */
  assets?: StaticAssets;
  /** The origin browsers use (https://… behind CloudFront); locally the request's own. */
  publicOrigin?: string;
  newId?: () => string;
  log?: ErrorLog;
}

/** What the route modules share. */
export interface RouteContext {
  deps: WorkbenchDeps;
  rows: RunRowsCache;
  verify: VerifyCache;
  runOrNotFound(runId: string): Promise<RunRecord>;
  pack(run: RunRecord): Promise<PackLocation | undefined>;
  summary(pack: PackLocation | undefined): Promise<RunSummary | null>;
  reportSink(id: string): OutputSink;
}

/** Store and builder errors a person can act on, as pages with their message; anything else is a 500 with an id. */
function asWebError(error: unknown): unknown {
  if (error instanceof WebError) return error;
  if (error instanceof FindingNotFoundError || error instanceof RunNotFoundError) {
    return new WebError(404, error.message);
  }
  if (error instanceof StoreValidationError) return new WebError(409, error.message);
  if (error instanceof UsageError) return new WebError(400, error.message);
  return error;
}

export function createWorkbenchApp(deps: WorkbenchDeps): Hono<WorkbenchEnv> {
  const app = new Hono<WorkbenchEnv>();
  const newId = deps.newId ?? randomUUID;
  const log: ErrorLog =
    deps.log ??
    ((e) => {
      if (e.status >= 500) console.error(`workbench error ${e.requestId}:`, e.error);
    });
  const ctx: RouteContext = {
    deps,
    rows: new RunRowsCache(deps.store),
    verify: new VerifyCache(() => deps.clock().getTime()),
    async runOrNotFound(runId) {
      const run = await deps.store.getRun(runId);
      if (run === undefined) throw new NotFoundError(`No run ${runId} in the store.`);
      return run;
    },
    pack: (run) => deps.packs.locate(run),
    async summary(pack) {
      if (pack === undefined) return null;
      try {
        return JSON.parse((await pack.reader.read('summary.json')).toString('utf8')) as RunSummary;
      } catch {
        return null;
      }
    },
    reportSink: (id) => deps.periodReports.open(id),
  };

  app.use('*', async (c, next) => {
    c.set('requestId', newId());
    await next();
  });
  app.use('*', securityHeaders({ secure: deps.auth.secure }));
  app.onError((error, c) => errorPage(c, asWebError(error), log));
  app.notFound((c) => errorPage(c, new NotFoundError('There is no page at this address.'), log));

  if (deps.assets !== undefined) serveStatic(app, deps.assets);
  deps.auth.register(app);
  app.use('*', requireSession(deps.auth));
  app.use('*', csrfGuard(deps.publicOrigin !== undefined ? { publicOrigin: deps.publicOrigin } : {}));
  app.post('/auth/logout', (c) => deps.auth.signOut(c));
  app.get('/', (c) => c.redirect('/runs', 303));
  registerRunRoutes(app, ctx);
  registerReviewRoutes(app, ctx);
  return app;
}

/** A pack file name from a URL, or 404 (no `..`, no absolute paths). */
export function packFileName(name: string): string {
  if (!isSafeRelativeName(name)) throw new NotFoundError('No such file in the pack.');
  return name;
}
