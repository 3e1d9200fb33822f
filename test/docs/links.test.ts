/**
 * The documentation links only to what the repository holds: every relative link in README.md and docs/*.md names a
 * file or folder inside the repository (and, with a #fragment into Markdown, a heading that exists), and the README
 * links to nothing outside it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingAnchors, markdownLinks } from './markdown.js';

const ROOT = resolve(__dirname, '../..');

const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);

const hasScheme = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

function brokenLinks(doc: string): string[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const problems: string[] = [];
  for (const { line, target } of markdownLinks(text)) {
    if (hasScheme(target)) continue;
    const hash = target.indexOf('#');
    const pathPart = decodeURI(hash < 0 ? target : target.slice(0, hash));
    const fragment = hash < 0 ? '' : decodeURIComponent(target.slice(hash + 1));
    const file = pathPart === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), pathPart);
    const rel = relative(ROOT, file);
    const where = `${doc}:${line} → ${target}`;
    if (rel.startsWith('..') || isAbsolute(rel)) {
      problems.push(`${where}: outside the repository`);
      continue;
    }
    if (!existsSync(file)) {
      problems.push(`${where}: ${rel} does not exist`);
      continue;
    }
    if (fragment !== '' && file.endsWith('.md') && statSync(file).isFile()) {
      if (!headingAnchors(readFileSync(file, 'utf8')).has(fragment)) problems.push(`${where}: no heading #${fragment}`);
    }
  }
  return problems;
}

describe('documentation links', () => {
  it('finds the documents', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/checks.md', 'docs/data-contract.md']));
  });

  it.each(documents)('every relative link in %s resolves inside the repository', (doc) => {
    expect(brokenLinks(doc)).toEqual([]);
  });

  it('the README links only inside the repository', () => {
    const external = markdownLinks(readFileSync(join(ROOT, 'README.md'), 'utf8')).filter((l) => hasScheme(l.target));
    expect(external).toEqual([]);
  });

  describe('the link reader', () => {
    it('reads inline links, images and reference definitions, not code', () => {
      const text = [
        'See [checks](docs/checks.md#cp-1) and ![chart](img/a.png "A chart").',
        '[ref]: ../outside.md',
        '`[not](a-link.md)` in code',
        '```',
        '[also not](fenced.md)',
        '```',
      ].join('\n');
      expect(markdownLinks(text)).toEqual([
        { line: 1, target: 'docs/checks.md#cp-1' },
        { line: 1, target: 'img/a.png' },
        { line: 2, target: '../outside.md' },
      ]);
    });

    it("gives headings GitHub's anchors", () => {
      const text = ['# vatp-audit', '## CP: customer priority', '### CP-1', '## manifest.json', '## Notes', '## Notes'];
      expect([...headingAnchors(text.join('\n'))]).toEqual([
        'vatp-audit',
        'cp-customer-priority',
        'cp-1',
        'manifestjson',
        'notes',
        'notes-1',
      ]);
    });
  });
});
