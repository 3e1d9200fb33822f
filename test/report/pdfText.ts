/**
 * Reading a report back as a reader's tools do (pdf-parse, the project's PDF text extractor) and the structural
 * checks the report tests share: ids and hashes never split across lines or by an inserted space, headings never the
 * last line of a page, one-line page furniture.
 */
import { PDFParse } from 'pdf-parse';
import type { Finding } from '#shared/contract/finding.js';

/** The text of each page, in page order. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const r = await parser.getText();
    return r.pages.map((p) => p.text);
  } finally {
    await parser.destroy();
  }
}

/** Non-empty lines of a page, trimmed. */
export function linesOf(page: string): string[] {
  return page
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

const ID_KEY = /(^|_)(id|ids)$/;

/**
 * The tokens a reader copies out of a report: finding and run ids, digests, and the ids, instants and `file:line` of
 * the findings' evidence. Only tokens without spaces of at least 6 characters.
 */
export function tokensOf(findings: readonly Finding[], extra: readonly string[] = []): Set<string> {
  const out = new Set<string>(extra);
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (ID_KEY.test(key) || key === 'ts' || key === 'subject') out.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, key);
    } else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.file === 'string' && typeof o.line === 'number') out.add(`${o.file}:${o.line}`);
      for (const [k, x] of Object.entries(o)) walk(x, k);
    }
  };
  for (const f of findings) {
    out.add(f.finding_id);
    out.add(f.run_id);
    walk(f, '');
  }
  return new Set([...out].filter((t) => t.length >= 6 && !/\s/.test(t)));
}

/**
 * Every place a token is split: its head ends one word and its tail starts the next (across a line break or a
 * space inserted inside it), while neither word holds it whole. Words are whitespace-separated, over the whole page.
 */
export function splitTokens(pages: readonly string[], tokens: ReadonlySet<string>): string[] {
  const byHead = new Map<string, string[]>();
  for (const t of tokens) {
    const head = t.slice(0, 4);
    byHead.set(head, [...(byHead.get(head) ?? []), t]);
  }
  const found: string[] = [];
  pages.forEach((page, p) => {
    const words = page.split(/\s+/).filter((w) => w !== '');
    for (let i = 0; i + 1 < words.length; i++) {
      const a = words[i]!;
      const b = words[i + 1]!;
      const joined = a + b;
      for (let s = 0; s < a.length; s++) {
        for (const t of byHead.get(joined.slice(s, s + 4)) ?? []) {
          // A split: the token starts in `a`, runs past its end, and is there when the words are rejoined.
          if (s + t.length > a.length && joined.startsWith(t, s) && !b.startsWith(t) && t.length > a.length - s) {
            found.push(`page ${p + 1}: ${JSON.stringify(a)} | ${JSON.stringify(b)} splits ${t}`);
          }
        }
      }
    }
  });
  return found;
}
