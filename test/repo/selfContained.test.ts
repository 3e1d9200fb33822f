/**
 * The repository is self-contained: no source or test file reads outside it, so `git clone … && npm ci && npm test`
 * passes in an empty folder. The detector itself is pinned on the forms that once escaped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathsOutsideRoot } from './outsideReads.js';

const ROOT = resolve(__dirname, '../..');
/** The detector and its own test hold the forms it looks for. */
const DETECTOR_FILES = new Set(['test/repo/outsideReads.ts', 'test/repo/selfContained.test.ts']);

/** Folders that are not sources: dependencies, build output, local data, and the worked example's data files. */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'dist-tsc',
  'cdk.out',
  '.vatp-audit',
  'coverage',
  'bench-results',
  'vatp-audit-demo',
]);
const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
/** The spec folder's name, assembled so that this file does not itself mention it. */
const SPEC_FOLDER = ['shared', 'spec'].join('/');
const UP = '..';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...sourceFiles(join(dir, e.name)));
    } else if (e.isFile() && SOURCE_FILE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(join(dir, e.name));
  }
  return out;
}

describe('self-contained repository', () => {
  it('no source or test file reads outside the repository', () => {
    const files = sourceFiles(ROOT).filter((f) => !DETECTOR_FILES.has(relative(ROOT, f)));
    expect(files.length).toBeGreaterThan(100);
    const escapes = files.flatMap((f) =>
      pathsOutsideRoot(readFileSync(f, 'utf8'), f, ROOT).map(
        (p) => `${relative(ROOT, f)}:${p.line} ${p.text}: ${p.why}`,
      ),
    );
    expect(escapes).toEqual([]);
  });

  it('no npm script reaches outside the repository', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(Object.entries(scripts).filter(([, s]) => s.includes(`${UP}/`) || s.includes(SPEC_FOLDER))).toEqual([]);
  });

  describe('the detector', () => {
    const file = join(ROOT, 'test/e2e/example.test.ts');
    const lines = (source: string) => [...new Set(pathsOutsideRoot(source, file, ROOT).map((p) => p.line))];

    it('finds a relative path that climbs out of the repository from the file', () => {
      expect(lines("const EXAMPLE = resolve(__dirname, '../../../data/example');")).toEqual([1]);
      expect(lines("const u = new URL('../../../x/', import.meta.url);")).toEqual([1]);
    });

    it('finds separate ".." segments and paths built on a constant of the repository root', () => {
      expect(lines("const up = resolve(__dirname, '..', '..', '..');")).toEqual([1]);
      expect(lines("const up = join(import.meta.dirname, '..', '..', '..', 'x');")).toEqual([1]);
      const viaRoot = [
        "const ROOT = resolve(__dirname, '../..');",
        "const EXAMPLE = resolve(ROOT, '../data/example');",
      ];
      expect(lines(viaRoot.join('\n'))).toEqual([2]);
      const viaUrl = [
        "const REPO = fileURLToPath(new URL('../..', import.meta.url));",
        "const x = join(REPO, '..', 'other-repo');",
      ];
      expect(lines(viaUrl.join('\n'))).toEqual([2]);
    });

    it('finds a file-system read relative to the working directory, and any mention of the spec folder', () => {
      expect(lines("readFileSync('../other/file.json', 'utf8');")).toEqual([1]);
      expect(lines(`const spec = '/work/${SPEC_FOLDER}/RULES.md';`)).toEqual([1]);
    });

    it('accepts paths that stay inside: imports, fixtures, the root itself, temporary folders', () => {
      const inside = [
        `import { x } from '${UP}/${UP}/shared/contract/finding.js';`,
        "const ROOT = resolve(__dirname, '../..');",
        "const FIXTURE = resolve(__dirname, '../fixtures/worked-example');",
        "const fonts = new URL('../../templates/fonts/', import.meta.url);",
        "const parent = join(tmpDir, 'a', '..');",
        "const sibling = join(work, path, '..');",
        `// resolve(__dirname, '${UP}/${UP}/${UP}/${SPEC_FOLDER}/example') in a comment is not a read`,
      ];
      expect(lines(inside.join('\n'))).toEqual([]);
    });
  });
});
