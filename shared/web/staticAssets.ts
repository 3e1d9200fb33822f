/**
 * The workbench's static files (one stylesheet, one small script), read once from templates/web/. Served under
 * /static/ locally; on AWS CloudFront serves the same files from a private bucket.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { WorkbenchConfigError } from './errors.js';
import type { WorkbenchEnv } from './identity.js';

export const STATIC_FILES = {
  'workbench.css': 'text/css; charset=utf-8',
  'workbench.js': 'text/javascript; charset=utf-8',
} as const;

export type StaticAssets = ReadonlyMap<string, { type: string; body: Buffer }>;

/** Where templates/web sits relative to this module: from source, from dist/ bundles and from Lambda bundles. */
const CANDIDATES = ['../../templates/web/', '../templates/web/', './templates/web/', './web/'];

export function staticAssetsDir(): string {
  for (const c of CANDIDATES) {
    const dir = fileURLToPath(new URL(c, import.meta.url));
    if (existsSync(`${dir}workbench.css`)) return dir;
  }
  throw new WorkbenchConfigError(
    `the workbench's static files are not in ${CANDIDATES.join(', ')} next to the program`,
  );
}

export function loadStaticAssets(dir: string = staticAssetsDir()): StaticAssets {
  const out = new Map<string, { type: string; body: Buffer }>();
  for (const [name, type] of Object.entries(STATIC_FILES)) {
    out.set(name, { type, body: readFileSync(`${dir.endsWith('/') ? dir : `${dir}/`}${name}`) });
  }
  return out;
}

export function serveStatic(app: Hono<WorkbenchEnv>, assets: StaticAssets): void {
  app.get('/static/:name', (c) => {
    const file = assets.get(c.req.param('name'));
    if (file === undefined) return c.text('not found', 404);
    return c.body(new Uint8Array(file.body), 200, {
      'Content-Type': file.type,
      'Cache-Control': 'public, max-age=300',
    });
  });
}
