/**
 * Line breaking that never cuts a token: text breaks at spaces and at line feeds only, so an id, hash, timestamp or
 * `file:line` is always drawn whole on one line (pdfkit's own wrapper breaks a long word anywhere, without a mark).
 * A token wider than the space it has is reported, and the caller shrinks the font or, for a monospace block, wraps
 * it at fixed widths with a visible continuation mark. Pure: text widths come from the `measure` function given.
 */

/** Width of a string in points in the current font and size. */
export type Measure = (s: string) => number;

export interface Wrapped {
  lines: string[];
  /** Width of the widest token (a token wider than the width sits alone on its line, overflowing). */
  widestToken: number;
  /** Width of the widest line. */
  widest: number;
}

/** Drawn lines can differ from the sum of their words by kerning; this much slack keeps a line within its width. */
const SLACK = 0.01;

export function wrapTokens(text: string, width: number, measure: Measure): Wrapped {
  const lines: string[] = [];
  let widestToken = 0;
  let widest = 0;
  const space = measure(' ');
  for (const paragraph of text.split('\n')) {
    const words = paragraph.split(/ +/).filter((w) => w !== '');
    let line = '';
    let lineW = 0;
    for (const word of words) {
      const w = measure(word);
      if (w > widestToken) widestToken = w;
      const candidate = line === '' ? w : lineW + space + w;
      if (line !== '' && candidate > width - SLACK) {
        lines.push(line);
        if (lineW > widest) widest = lineW;
        line = word;
        lineW = w;
      } else {
        line = line === '' ? word : `${line} ${word}`;
        lineW = candidate;
      }
    }
    lines.push(line);
    if (lineW > widest) widest = lineW;
  }
  return { lines, widestToken, widest };
}

/**
 * Monospace text cut every `perLine` characters (code points), each cut line but the last ending in the continuation
 * mark; line feeds start new lines. For raw record text, where every character matters and none may be hidden.
 */
export function wrapFixed(text: string, perLine: number, mark: string): string[] {
  const n = Math.max(1, perLine - mark.length);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    const chars = [...paragraph];
    if (chars.length <= perLine) {
      out.push(paragraph);
      continue;
    }
    for (let i = 0; i < chars.length; i += n) {
      const piece = chars.slice(i, i + n).join('');
      out.push(i + n < chars.length ? `${piece}${mark}` : piece);
    }
  }
  return out;
}

/** The longest prefix of `text`, plus an ellipsis, at most `width` wide. */
export function fitOneLine(text: string, width: number, measure: Measure): string {
  if (measure(text) <= width) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${chars.slice(0, mid).join('')}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('')}…`;
}

/** `r-b9eb9586…c295d731`: an id shortened in its middle, keeping both ends (the full id is printed elsewhere). */
export function elideMiddle(id: string, keep = 8): string {
  const chars = [...id];
  return chars.length <= 2 * keep + 3 ? id : `${chars.slice(0, keep).join('')}…${chars.slice(-keep).join('')}`;
}

/**
 * Column widths for a table laid out from its content, as browsers do: each column at least its widest token (so no
 * token is cut), the rest of the width shared in proportion to how much more each column's longest line wants. When
 * even the widest tokens do not fit, every column is scaled down alike (the cells then shrink their font).
 */
export function autoWidths(minW: readonly number[], maxW: readonly number[], total: number): number[] {
  const sumMin = minW.reduce((s, w) => s + w, 0);
  const want = maxW.map((w, i) => Math.max(w, minW[i]!));
  const sumWant = want.reduce((s, w) => s + w, 0);
  if (sumWant <= total) {
    const extra = total - sumWant;
    return want.map((w) => w + (extra * w) / sumWant);
  }
  if (sumMin <= total) {
    const spare = total - sumMin;
    const grow = want.map((w, i) => w - minW[i]!);
    const sumGrow = grow.reduce((s, g) => s + g, 0);
    return minW.map((w, i) => w + (sumGrow === 0 ? 0 : (spare * grow[i]!) / sumGrow));
  }
  return minW.map((w) => (w * total) / sumMin);
}
