/** A finding and the response to it (officers), and period reports: build (officers) and download. */
import type { Hono } from 'hono';
import { reportRange } from '../../pipeline/periodRange.js';
import { buildPeriodReport } from '../../pipeline/periodReport.js';
import { evidenceView } from '../../report/evidenceView.js';
import { FINDING_STATUSES, type FindingStatus } from '../../store/types.js';
import type { RouteContext } from '../app.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import { isOfficer, type WorkbenchEnv } from '../identity.js';
import { findingPage } from '../pages/finding.js';
import { sendPage } from '../pages/layout.js';
import { findingHref } from '../pages/parts.js';
import { type ReportListing, reportsPage } from '../pages/reports.js';
import { isReportId, reportId } from '../periodReports.js';
import { zipFiles } from '../zip.js';

function formText(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

function versionParam(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new BadRequestError(`${name} must be a whole number`);
  return Number(v);
}

export function registerReviewRoutes(app: Hono<WorkbenchEnv>, ctx: RouteContext): void {
  const { store } = ctx.deps;

  app.get('/findings/:findingId', async (c) => {
    const id = c.req.param('findingId');
    const finding = await store.getFinding(id);
    if (finding === undefined) throw new NotFoundError(`No finding ${id} in the store.`);
    const recorded = versionParam(c.req.query('recorded'), 'recorded');
    const seen = versionParam(c.req.query('seen'), 'seen');
    return sendPage(
      c,
      findingPage(c.get('session'), {
        finding,
        blocks: evidenceView(finding),
        fromRun: c.req.query('run'),
        ...(recorded !== undefined && seen !== undefined ? { recorded: { version: recorded, seen } } : {}),
      }),
    );
  });

  app.post('/findings/:findingId/respond', async (c) => {
    const session = c.get('session');
    if (!isOfficer(session.identity)) {
      throw new ForbiddenError('Responding to a finding is for an officer; you are signed in as a reviewer.');
    }
    const id = c.req.param('findingId');
    const body = await c.req.parseBody();
    const status = formText(body, 'status');
    if (status === undefined || !(FINDING_STATUSES as readonly string[]).includes(status)) {
      throw new BadRequestError(`status must be one of ${FINDING_STATUSES.join(', ')}`);
    }
    const seen = versionParam(formText(body, 'version'), 'version');
    if (seen === undefined) throw new BadRequestError('the form has no version; reload the finding and try again');
    const note = formText(body, 'note')?.trim() ?? '';
    // The person recorded is the signed-in identity; no form field can name anyone else.
    const stored = await store.respond(id, {
      status: status as FindingStatus,
      by: session.identity.name,
      note: note === '' ? null : note,
      at: ctx.deps.clock(),
    });
    const run = formText(body, 'run');
    const back = new URL(findingHref(id, run === undefined || run === '' ? undefined : run), 'http://x');
    back.searchParams.set('recorded', String(stored.version));
    back.searchParams.set('seen', String(seen));
    return c.redirect(`${back.pathname}${back.search}`, 303);
  });

  app.get('/reports', async (c) => {
    const [runs, ids] = await Promise.all([store.listAllRuns(), ctx.deps.periodReports.list()]);
    const venues = [...new Set(runs.map((r) => r.venue))].sort();
    const reports: ReportListing[] = await Promise.all(
      ids.map(async (id) => {
        try {
          const m = JSON.parse((await ctx.reportSink(id).read('manifest.json')).toString('utf8')) as {
            venue?: string;
            period?: { start?: string; end?: string };
            parameters?: { runs?: number };
          };
          return {
            id,
            venue: m.venue ?? null,
            from: m.period?.start ?? null,
            to: m.period?.end ?? null,
            runs: m.parameters?.runs ?? null,
          };
        } catch {
          return { id, venue: null, from: null, to: null, runs: null };
        }
      }),
    );
    const built = c.req.query('built');
    return sendPage(
      c,
      reportsPage(c.get('session'), {
        venues,
        reports,
        ...(built !== undefined && isReportId(built) ? { built } : {}),
      }),
    );
  });

  app.post('/reports', async (c) => {
    const session = c.get('session');
    if (!isOfficer(session.identity)) {
      throw new ForbiddenError('Building a period report is for an officer; you are signed in as a reviewer.');
    }
    const body = await c.req.parseBody();
    const venue = formText(body, 'venue')?.trim() ?? '';
    const from = formText(body, 'from')?.trim() ?? '';
    const to = formText(body, 'to')?.trim() ?? '';
    if (venue === '' || from === '' || to === '') throw new BadRequestError('venue, from and to are all needed');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) {
      throw new BadRequestError('from and to must be dates (YYYY-MM-DD)');
    }
    const range = reportRange(from, to, { from: 'From', to: 'To' });
    const at = ctx.deps.clock();
    const id = reportId(at, { venue, from: range.from, to: range.to, by: session.identity.name });
    await buildPeriodReport(
      { venue, from: range.from, to: range.to, toolVersion: ctx.deps.toolVersion, asOf: at.toISOString() },
      { store, out: ctx.reportSink(id), signer: ctx.deps.signer },
    );
    return c.redirect(`/reports?built=${encodeURIComponent(id)}`, 303);
  });

  const reportOrNotFound = (id: string) => {
    if (!isReportId(id)) throw new NotFoundError('No such period report.');
    return ctx.reportSink(id);
  };

  app.get('/reports/:id/report.pdf', async (c) => {
    const sink = reportOrNotFound(c.req.param('id'));
    const pdf = await sink.read('report.pdf').catch(() => {
      throw new NotFoundError('No such period report.');
    });
    return new Response(new Uint8Array(pdf), {
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="period-report-${c.req.param('id')}.pdf"`,
      },
    });
  });

  app.get('/reports/:id/pack.zip', async (c) => {
    const sink = reportOrNotFound(c.req.param('id'));
    const names = await sink.list();
    if (!names.includes('manifest.json')) throw new NotFoundError('No such period report.');
    const files = await Promise.all(names.map(async (name) => ({ name, data: await sink.read(name) })));
    return new Response(new Uint8Array(zipFiles(files)), {
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="period-report-${c.req.param('id')}.zip"`,
      },
    });
  });
}
