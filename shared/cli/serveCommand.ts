/**
 * `vatp-audit serve`: the reviewer workbench over the local store and packs (the embedded stack by default, AWS with
 * the same settings as the other commands). It binds loopback unless told otherwise and prints a sign-in URL with a
 * one-time token. The person is named at start (`--user`, default the OS user): an officer, or a reviewer with
 * `--read-only`.
 */
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { z } from 'zod';
import { openOutputSink } from '../adapters/s3/outputSink.js';
import { TOOL_VERSION } from '../config/version.js';
import { openLocalPackReader } from '../evidence/localPackReader.js';
import type { PackReader } from '../evidence/verify.js';
import { createWorkbenchApp } from '../web/app.js';
import type { Identity } from '../web/identity.js';
import { localAuthenticator } from '../web/localAuth.js';
import { bucketPackLocator, firstPackLocator, folderPackLocator } from '../web/packs.js';
import { periodReportArchive } from '../web/periodReports.js';
import { loadStaticAssets } from '../web/staticAssets.js';
import { ArgumentError } from './errors.js';
import type { CliServices } from './services.js';

export interface ServeOptions {
  host: string;
  port: number;
  identity: Identity;
  /** Folders scanned for evidence packs (by run_id). */
  packs: string[];
  /** Where period reports built in the workbench are kept (a folder or s3:// prefix). */
  reports: string;
  signingKey?: string;
  /** The one-time sign-in token (random by default). */
  token?: string;
  clock?: () => Date;
}

export interface RunningWorkbench {
  /** http://host:port */
  origin: string;
  /** The URL to open once: it signs in and lands on the runs page. */
  signInUrl: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Builds the workbench on the command line's services and listens. */
export async function startWorkbench(services: CliServices, o: ServeOptions): Promise<RunningWorkbench> {
  const clock = o.clock ?? (() => new Date());
  const openReader = (uri: string): PackReader => {
    const sink = openOutputSink(uri, { s3: services.clients.s3 });
    return { read: (name) => sink.read(name), list: () => sink.list() };
  };
  const auth = localAuthenticator({
    identity: o.identity,
    clock,
    ...(o.token !== undefined ? { token: o.token } : {}),
  });
  const localReader = (dir: string): PackReader => {
    let opened: Promise<PackReader> | undefined;
    const get = () => {
      opened ??= openLocalPackReader(dir);
      return opened;
    };
    return { read: async (n) => (await get()).read(n), list: async () => (await get()).list() };
  };
  const app = createWorkbenchApp({
    store: await services.store(),
    packs: firstPackLocator([
      folderPackLocator(o.packs, localReader),
      bucketPackLocator(services.clients.config.evidenceBucket, openReader),
    ]),
    periodReports: periodReportArchive(o.reports, (uri) => services.openSink(uri)),
    signer: services.signer(o.signingKey),
    clock,
    auth,
    toolVersion: TOOL_VERSION,
    assets: loadStaticAssets(),
  });
  const server = serve({ fetch: app.fetch, hostname: o.host, port: o.port });
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const origin = `http://${host}:${port}`;
  return {
    origin,
    signInUrl: `${origin}${auth.signInPath}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

const PORT = 'is not a port number (0 to 65535; 0 picks a free one)';
const EMPTY = 'is empty';

const serveOptions = z.object({
  port: z
    .string()
    .regex(/^\d{1,5}$/, PORT)
    .transform(Number)
    .pipe(z.number().max(65535, PORT)),
  host: z.string().trim().min(1, EMPTY),
  readOnly: z.boolean().optional(),
  user: z.string().trim().min(1, EMPTY).max(200, 'is longer than 200 characters').optional(),
  packs: z.array(z.string().min(1, EMPTY)).optional(),
  reports: z.string().min(1, EMPTY).optional(),
  signingKey: z.string().min(1, EMPTY).optional(),
});

export function registerServeCommand(
  program: Command,
  deps: {
    services: () => Promise<CliServices>;
    /** The data home: period reports built locally are kept in its `period-reports/`. */
    dataHome: string;
    out: (line: string) => void;
    err: (line: string) => void;
    /** Resolves when the server should stop (SIGINT/SIGTERM by default). */
    stopped?: () => Promise<void>;
  },
): void {
  program
    .command('serve')
    .description('the reviewer workbench in a browser, over the local store and evidence packs')
    .option('--port <n>', 'port (0: any free port)', '8787')
    .option('--host <host>', 'address to bind; anything but loopback exposes the workbench to the network', '127.0.0.1')
    .option('--read-only', 'serve the reviewer role only (no responses, acceptances or period reports)')
    .option('--user <name>', 'who is signed in (recorded in responses and acceptances); default the OS user')
    .option('--packs <dir>', 'folder to search for evidence packs (repeatable; default the current folder)', collect)
    .option('--reports <dir|s3://…>', 'where period reports built in the workbench are kept')
    .option('--signing-key <pem>', 'ECDSA P-256 private key (PEM) for period reports')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = serveOptions.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const key = String(issue?.path[0] ?? 'option');
        const given = raw[key];
        const shown = typeof given === 'string' && given.trim() !== '' ? ` ${given}` : '';
        throw new ArgumentError(`--${optionName(key)}${shown} ${issue?.message ?? 'is not usable'}`);
      }
      const o = parsed.data;
      const services = await deps.services();
      const name = o.user ?? osUser();
      const reports =
        o.reports ??
        (services.clients.config.mode === 'embedded'
          ? join(deps.dataHome, 'period-reports')
          : `s3://${services.clients.config.evidenceBucket}/period-reports/`);
      const running = await startWorkbench(services, {
        host: o.host,
        port: o.port,
        identity: { name, email: null, role: o.readOnly === true ? 'reviewer' : 'officer' },
        packs: (o.packs ?? ['.']).map((p) => resolve(p)),
        reports,
        ...(o.signingKey !== undefined ? { signingKey: o.signingKey } : {}),
      });
      if (!LOOPBACK.has(o.host)) {
        deps.err(
          `WARNING: bound to ${o.host}: the workbench is reachable from the network over plain HTTP; anyone with the link signs in as ${name}`,
        );
      }
      deps.out(`vatp-audit workbench for ${name} (${o.readOnly === true ? 'reviewer, read-only' : 'officer'})`);
      deps.out(`open (works once): ${running.signInUrl}`);
      deps.out('stop with Ctrl-C');
      await (deps.stopped ?? untilSignal)();
      await running.close();
    });
}

/** commander's camelCase key as the option the user typed (signingKey → signing-key). */
function optionName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'local user';
  }
}

function untilSignal(): Promise<void> {
  return new Promise((ok) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      ok();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
