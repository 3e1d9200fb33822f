/** The page frame: head (the one stylesheet and script, nothing inline), navigation, who is signed in, sign-out. */
import type { Context } from 'hono';
import { type Html, html, toDocument } from '../html.js';
import type { Session } from '../identity.js';

export interface PageOptions {
  title: string;
  session: Session;
  /** Which navigation entry is current. */
  section?: 'runs' | 'reports';
  /** Breadcrumb links before the title: [label, href]. */
  trail?: [string, string][];
  body: Html;
}

function head(title: string): Html {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${title} · vatp-audit workbench</title>
<link rel="stylesheet" href="/static/workbench.css">
<script src="/static/workbench.js" defer></script>
</head>`;
}

export function page(o: PageOptions): Html {
  const who = o.session.identity;
  const nav = (key: PageOptions['section'], href: string, label: string) =>
    html`<a href="${href}"${key === o.section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<html lang="en">
${head(o.title)}
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">vatp-audit workbench</span>
  <nav aria-label="Main">${nav('runs', '/runs', 'Runs')}${nav('reports', '/reports', 'Period reports')}</nav>
  <div class="who">
    <span data-testid="identity">${who.name}</span> <span class="role role-${who.role}">${who.role}</span>
    <form method="post" action="/auth/logout" class="inline">
      <input type="hidden" name="_csrf" value="${o.session.csrf}">
      <button type="submit" class="link">Sign out</button>
    </form>
  </div>
</header>
<main id="main">
${
  o.trail !== undefined && o.trail.length > 0
    ? html`<nav class="trail" aria-label="Breadcrumb">${o.trail.map(([label, href], i) => html`${i > 0 ? ' › ' : ''}<a href="${href}">${label}</a>`)}</nav>`
    : ''
}
<h1>${o.title}</h1>
${o.body}
</main>
<footer>Session ends by ${o.session.expiresAt} at the latest. Everything shown from a dataset is shown as text.</footer>
</body>
</html>`;
}

/** A page outside a session (sign-in, errors): no navigation. */
export function messagePage(title: string, body: Html): Html {
  return html`<html lang="en">
${head(title)}
<body>
<main id="main" class="message">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** Sends a page as a complete HTML document. */
export function sendPage(
  c: Context,
  body: Html,
  status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 500 | 503 = 200,
): Response | Promise<Response> {
  return c.html(toDocument(body), status);
}
