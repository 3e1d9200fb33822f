/** Runs, a run's overview, its findings table and CSV, its pack files, and accepting it (officers). */
import type { Hono } from 'hono';
import type { VerifyResult } from '../../evidence/verify.js';
import { packFileName, type RouteContext } from '../app.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import {
  csvLines,
  distinct,
  filterRows,
  findingsOverTime,
  parseTableQuery,
  sortRows,
  tablePage,
} from '../findingsTable.js';
import { isOfficer, type WorkbenchEnv } from '../identity.js';
import { findingsPage } from '../pages/findings.js';
import { sendPage } from '../pages/layout.js';
import { runHref } from '../pages/parts.js';
import { type RunListing, runPage, runsPage } from '../pages/runs.js';
import { zipFiles } from '../zip.js';

/** Packs the runs page verifies itself (the newest runs); older ones show the result kept from their run page. */
const VERIFIED_ON_RUNS_PAGE = 10;

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  pem: 'application/x-pem-file',
  sig: 'application/octet-stream',
};

/** A download: never rendered inline as HTML, whatever its bytes (the name is the pack's, not the user's). */
function attachment(name: string, body: Buffer, type?: string): Response {
  const ext = name.split('.').pop() ?? '';
  return new Response(new Uint8Array(body), {
    headers: {
      'Content-Type': type ?? CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    },
  });
}

async function verifyOrError(ctx: RouteContext, pack: Parameters<RouteContext['verify']['verify']>[0]) {
  try {
    return await ctx.verify.verify(pack);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) } as const;
  }
}

export function registerRunRoutes(app: Hono<WorkbenchEnv>, ctx: RouteContext): void {
  app.get('/runs', async (c) => {
    const runs = await ctx.deps.store.listAllRuns();
    // Verifying re-hashes a whole pack: the newest runs are checked here, the others when their page is opened.
    const listings: RunListing[] = await Promise.all(
      runs.map(async (run, i) => {
        const pack = run.status === 'completed' ? await ctx.pack(run) : undefined;
        if (pack === undefined) return { run, pack: null };
        const kept = ctx.verify.peek(pack);
        const verify: VerifyResult | { error: string } | null =
          i < VERIFIED_ON_RUNS_PAGE || kept !== undefined ? await verifyOrError(ctx, pack) : null;
        return { run, pack: { uri: pack.uri, verify } };
      }),
    );
    return sendPage(c, runsPage(c.get('session'), listings));
  });

  app.get('/runs/:runId', async (c) => {
    const run = await ctx.runOrNotFound(c.req.param('runId'));
    ctx.rows.warm(run);
    const pack = run.status === 'completed' ? await ctx.pack(run) : undefined;
    const [summary, verify, rows] = await Promise.all([
      ctx.summary(pack),
      pack === undefined ? undefined : verifyOrError(ctx, pack),
      run.status === 'completed' && (run.findings_total ?? 0) > 0 ? ctx.rows.rows(run) : [],
    ]);
    return sendPage(
      c,
      runPage(c.get('session'), {
        run,
        pack: pack === undefined || verify === undefined ? null : { uri: pack.uri, verify },
        summary,
        overTime: rows.length > 0 ? findingsOverTime(rows, run) : { unit: 'hour', bars: [] },
        accepted: c.req.query('accepted') !== undefined,
      }),
    );
  });

  app.get('/runs/:runId/findings', async (c) => {
    const run = await ctx.runOrNotFound(c.req.param('runId'));
    const query = parseTableQuery(c.req.query());
    const rows = await ctx.rows.rows(run);
    return sendPage(
      c,
      findingsPage(c.get('session'), {
        run,
        query,
        table: tablePage(rows, query),
        choices: {
          checks: distinct(rows, (r) => r.check_id),
          accounts: distinct(rows, (r) => r.account_id),
          symbols: distinct(rows, (r) => r.symbol),
        },
      }),
    );
  });

  app.get('/runs/:runId/findings.csv', async (c) => {
    const run = await ctx.runOrNotFound(c.req.param('runId'));
    const query = parseTableQuery(c.req.query());
    const rows = sortRows(filterRows(await ctx.rows.rows(run), query), query.sort, query.dir);
    const body = Buffer.from([...csvLines(rows)].join(''), 'utf8');
    return attachment(`findings-${run.run_id}.csv`, body, 'text/csv; charset=utf-8');
  });

  app.get('/runs/:runId/pack.zip', async (c) => {
    const run = await ctx.runOrNotFound(c.req.param('runId'));
    const pack = await ctx.pack(run);
    if (pack === undefined) throw new NotFoundError(`The evidence pack of run ${run.run_id} was not found.`);
    const names = await pack.reader.list();
    const files = await Promise.all(names.map(async (name) => ({ name, data: await pack.reader.read(name) })));
    return attachment(`evidence-${run.run_id}.zip`, zipFiles(files), 'application/zip');
  });

  app.get('/runs/:runId/pack/:name{.+}', async (c) => {
    const run = await ctx.runOrNotFound(c.req.param('runId'));
    const pack = await ctx.pack(run);
    if (pack === undefined) throw new NotFoundError(`The evidence pack of run ${run.run_id} was not found.`);
    const name = packFileName(c.req.param('name'));
    if (!(await pack.reader.list()).includes(name)) throw new NotFoundError('No such file in the pack.');
    return attachment(name, await pack.reader.read(name));
  });

  app.post('/runs/:runId/accept', async (c) => {
    const session = c.get('session');
    if (!isOfficer(session.identity)) {
      throw new ForbiddenError('Accepting a run is for an officer; you are signed in as a reviewer.');
    }
    const run = await ctx.runOrNotFound(c.req.param('runId'));
    const body = await c.req.parseBody();
    const note = typeof body.note === 'string' && body.note.trim() !== '' ? body.note.trim() : null;
    await ctx.deps.store.acceptRun(run.run_id, { by: session.identity.name, note, at: ctx.deps.clock() });
    return c.redirect(`${runHref(run.run_id)}?accepted=1`, 303);
  });
}
