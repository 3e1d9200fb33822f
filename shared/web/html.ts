/**
 * A tiny auto-escaping HTML template: every value interpolated into `html`…`` is escaped (text and attribute values
 * alike), arrays are joined, null/undefined/false render nothing. Markup passes through only as `Html` — what
 * `html` itself returns, or what trusted code wraps explicitly with `trustedHtml` (never a value from a dataset,
 * a request or the store).
 */

const HTML_BRAND: unique symbol = Symbol('Html');

export interface Html {
  readonly [HTML_BRAND]: true;
  readonly value: string;
}

export type HtmlValue = Html | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

function isHtml(v: unknown): v is Html {
  return typeof v === 'object' && v !== null && (v as Html)[HTML_BRAND] === true;
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (isHtml(v)) return v.value;
  if (Array.isArray(v)) return v.map((x: HtmlValue) => render(x)).join('');
  return escapeHtml(String(v));
}

function make(value: string): Html {
  return { [HTML_BRAND]: true, value };
}

/** The template tag: literal parts are markup, every interpolation is escaped unless it is already Html. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? '');
  return make(out);
}

/** Markup written by this program (an SVG built from numbers, a constant): never pass text from outside. */
export function trustedHtml(markup: string): Html {
  return make(markup);
}

/** A whole document as text. */
export function toDocument(page: Html): string {
  return `<!DOCTYPE html>\n${page.value}`;
}
