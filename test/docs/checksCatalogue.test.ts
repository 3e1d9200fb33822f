/**
 * docs/checks.md and the code's catalogue cannot drift: the document has one section per check id of the catalogue
 * and no other, and its table at a glance lists every check, in catalogue order, with the catalogue's family and
 * (highest) severity.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, type CheckMeta } from '#shared/checks/catalogue.js';

const ROOT = resolve(__dirname, '../..');

/**
 * The catalogues the document describes. Checks of a later contract that are kept in a list of their own (rather than
 * appended to CHECKS) are added here, and the document then needs their sections and rows too.
 */
const DOCUMENTED: readonly CheckMeta[] = [...CHECKS];

const doc = readFileSync(join(ROOT, 'docs/checks.md'), 'utf8');
const CHECK_ID = /^[A-Z]+-\d+$/;

/** `### CP-1`: the heading of each check's own section. */
function sectionIds(text: string): string[] {
  return [...text.matchAll(/^###\s+(\S+)\s*$/gm)].map((m) => m[1]!).filter((id) => CHECK_ID.test(id));
}

/** Rows of the table at a glance: `| [CP-1](#cp-1) | CP | critical, or high | … |`. */
function glanceRows(text: string): { id: string; family: string; severity: string }[] {
  const start = text.indexOf('## Catalogue at a glance');
  const end = text.indexOf('\n## ', start + 1);
  const table = text.slice(start, end < 0 ? undefined : end);
  return [...table.matchAll(/^\|\s*\[([A-Z]+-\d+)\]\(#[^)]+\)\s*\|\s*([A-Z]+)\s*\|\s*([a-z]+)/gm)].map((m) => ({
    id: m[1]!,
    family: m[2]!,
    severity: m[3]!,
  }));
}

describe('docs/checks.md names exactly the catalogue', () => {
  it('one section per check id, none missing, none extra, none twice', () => {
    const ids = sectionIds(doc);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(DOCUMENTED.map((c) => c.id).sort());
  });

  it('the table at a glance lists every check in catalogue order, with its family and highest severity', () => {
    expect(glanceRows(doc)).toEqual(DOCUMENTED.map((c) => ({ id: c.id, family: c.family, severity: c.severity })));
  });

  it('each section is linked from the table under its own anchor', () => {
    for (const c of DOCUMENTED) expect(doc).toContain(`| [${c.id}](#${c.id.toLowerCase()}) |`);
  });
});
