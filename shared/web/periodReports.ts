/**
 * Period reports built from the workbench: each is a signed pack (the same builder as `vatp-audit report`) written
 * under a location of its own, `<root><id>/`, where id is the build time and a digest of the request, so listing the
 * root in name order lists the reports in build order.
 */
import { createHash } from 'node:crypto';
import type { OutputSink } from '../adapters/s3/outputSink.js';

export interface PeriodReportArchive {
  /** Where a report's pack is written and read. */
  open(id: string): OutputSink;
  /** The ids of the reports kept, newest first. */
  list(): Promise<string[]>;
}

export function periodReportArchive(root: string, openSink: (uri: string) => OutputSink): PeriodReportArchive {
  const base = root.endsWith('/') ? root : `${root}/`;
  return {
    open: (id) => openSink(`${base}${id}/`),
    async list() {
      let names: string[];
      try {
        names = await openSink(base).list();
      } catch {
        return [];
      }
      const ids = new Set<string>();
      for (const n of names) {
        const [id, file] = n.split('/');
        if (id !== undefined && file === 'manifest.json' && isReportId(id)) ids.add(id);
      }
      return [...ids].sort().reverse();
    },
  };
}

const REPORT_ID = /^\d{8}T\d{6}Z-[0-9a-f]{12}$/;

export function isReportId(id: string): boolean {
  return REPORT_ID.test(id);
}

/** `20260301T101500Z-<12 hex>`: the build instant, then a digest of who asked for what. */
export function reportId(at: Date, request: { venue: string; from: string; to: string; by: string }): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  const digest = createHash('sha256')
    .update(JSON.stringify([request.venue, request.from, request.to, request.by, at.toISOString()]))
    .digest('hex')
    .slice(0, 12);
  return `${stamp}-${digest}`;
}
