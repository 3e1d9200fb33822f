/**
 * The workbench in a real browser (Debian's chromium driven by playwright-core), as `serve` starts it, over datasets
 * made by the generator and audited by the pipeline: the review flow end to end, roles, a period report, keyboard-only
 * use of the findings table, and a dataset whose ids carry HTML and script. Screenshots of each page go to
 * test-output/screenshots/ (gitignored).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorkbench } from '#shared/cli/serveCommand.js';
import { naturalCompare } from '#shared/web/findingsTable.js';
import {
  auditGenerated,
  launchChromium,
  openWebHarness,
  SCREENSHOT_DIR,
  serveWorkbench,
  type WebHarness,
} from './harness.js';

/** The little of the DOM the page functions use (typed here: the project's lib has no DOM). */
declare const window: { innerWidth: number };
declare const document: {
  documentElement: { scrollWidth: number };
  activeElement: { matches(selector: string): boolean; getAttribute(name: string): string | null } | null;
  querySelector(selector: string): { value: string } | null;
  querySelectorAll(selector: string): { length: number };
};

const HOSTILE_TRADE = `<img src=x onerror=alert(1)>"'t-`;
const HOSTILE_ORDER = '</script><script>alert(2)</script>o-';
/** Account ids of 117 characters (the contract allows 128), markup and no space to break at. */
const HOSTILE_ACCOUNT = `<b>acct</b>${'A1234567890'.repeat(9)}C-`;
const HOSTILE_VENUE = 'XSS<svg onload=alert(4)>';

let h: WebHarness;
let officer: RunningWorkbench;
let reviewer: RunningWorkbench;
let browser: Browser;
let officerContext: BrowserContext;
let reviewerContext: BrowserContext;
let runA: string;
let runHostile: string;
const dialogs: string[] = [];

/** A page that records any dialog (none may ever open). */
async function openPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return page;
}

/** Moves focus with Tab until the focused element matches (at most 80 presses). */
async function tabUntil(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) === true, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** A screenshot of the whole page, or of the first screen only (what the README shows). */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

beforeAll(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  h = await openWebHarness();
  runA = (await auditGenerated(h, 'hkvx', { seed: 7, orders: 4000 })).runId;
  runHostile = (
    await auditGenerated(h, 'hostile', {
      seed: 11,
      orders: 1500,
      rewrite: (text, file) =>
        file === 'manifest.json'
          ? text.replace('"venue":"HKVX"', `"venue":${JSON.stringify(HOSTILE_VENUE)}`)
          : text
              .replaceAll('"t-', `${JSON.stringify(HOSTILE_TRADE).slice(0, -1)}`)
              .replaceAll('"o-', `${JSON.stringify(HOSTILE_ORDER).slice(0, -1)}`)
              .replaceAll('"C-', `${JSON.stringify(HOSTILE_ACCOUNT).slice(0, -1)}`),
    })
  ).runId;
  officer = await serveWorkbench(h, { identity: { name: 'J. Chan', email: null, role: 'officer' } });
  reviewer = await serveWorkbench(h, { identity: { name: 'R. Lee', email: null, role: 'reviewer' } });
  browser = await launchChromium();
  officerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  reviewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const first = await openPage(reviewerContext);
  await first.goto(reviewer.signInUrl);
  await first.close();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await officer?.close();
  await reviewer?.close();
  await h?.close();
});

describe('the workbench in a browser', { timeout: 120_000 }, () => {
  it('signs in with the one-time link, leaves no token in the address or history, and refuses the link twice', async () => {
    const page = await openPage(officerContext);
    await page.goto(officer.signInUrl);
    expect(new URL(page.url()).pathname).toBe('/runs');
    expect(page.url()).not.toContain('t=');
    expect(await page.getByTestId('identity').textContent()).toBe('J. Chan');
    // The redirect replaced the token URL: one step back is the blank page the tab opened with.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    const again = await browser.newContext();
    const second = await again.newPage();
    const res = await second.goto(officer.signInUrl);
    expect(res?.status()).toBe(403);
    await again.close();
    await page.close();
  });

  it('runs → run → findings filtered to CP-1 → a finding → respond → the history entry and the new status in the table', async () => {
    const page = await openPage(officerContext);
    await page.goto(`${officer.origin}/runs`);
    await shot(page, 'runs');
    await expect(page.getByTestId('runs').textContent()).resolves.toContain('DRAFT');
    await page.click(`a[href="/runs/${runA}"]`);
    await expect(page.getByTestId('run-facts').textContent()).resolves.toContain(runA);
    await shot(page, 'run');
    await shot(page, 'run-first-screen', false);
    await page.click('text=Findings of this run');
    await shot(page, 'findings-first-screen', false);
    await page.selectOption('select[name=check]', 'CP-1');
    await page.click('form[data-testid=filters] button[type=submit]');
    expect(new URL(page.url()).searchParams.get('check')).toBe('CP-1');
    const checks = await page.locator('table.findings tbody tr td:first-child').allTextContents();
    expect(checks.length).toBeGreaterThan(0);
    expect(new Set(checks)).toEqual(new Set(['CP-1']));
    await shot(page, 'findings');
    const subject = (await page.locator('table.findings tbody tr td.subject').first().textContent()) ?? '';
    await page.locator('table.findings tbody tr td:first-child a').first().click();
    await expect(page.getByTestId('subject').textContent()).resolves.toBe(subject);
    await expect(page.getByTestId('evidence').textContent()).resolves.toContain('Blocking protected orders');
    await expect(page.getByTestId('rule').textContent()).resolves.toContain('SFC circular');
    await shot(page, 'finding');
    await page.selectOption('#respond-status', 'acknowledged');
    await page.fill('#respond-note', 'Escalated to the MM desk <b>not bold</b>');
    await page.click('form[data-testid=respond-form] button[type=submit]');
    await expect(page.getByTestId('finding-status').textContent()).resolves.toBe('acknowledged');
    const history = (await page.getByTestId('history').textContent()) ?? '';
    expect(history).toContain('J. Chan');
    expect(history).toContain('Escalated to the MM desk <b>not bold</b>');
    await page.goBack();
    await page.goBack();
    await page.reload();
    const row = page.locator('table.findings tbody tr', { hasText: subject });
    await expect(row.getByTestId('row-status').textContent()).resolves.toBe('acknowledged');
    await page.close();
  });

  it('two people answering at once both land, and the stale form says what the other recorded', async () => {
    const first = await openPage(officerContext);
    await first.goto(`${officer.origin}/runs/${runA}/findings?check=CP-1`);
    const href = (await first.locator('table.findings tbody tr td:first-child a').last().getAttribute('href')) ?? '';
    await first.goto(`${officer.origin}${href}`);
    const second = await openPage(officerContext);
    await second.goto(`${officer.origin}${href}`);
    await first.selectOption('#respond-status', 'remediated');
    await first.fill('#respond-note', 'fixed in release 4.2');
    await first.click('form[data-testid=respond-form] button[type=submit]');
    await second.selectOption('#respond-status', 'acknowledged');
    await second.click('form[data-testid=respond-form] button[type=submit]');
    const stale = (await second.getByTestId('stale-notice').textContent()) ?? '';
    expect(stale).toContain('had changed since you opened the form');
    await expect(second.locator('.notice').textContent()).resolves.toContain('fixed in release 4.2');
    const entries = await second.locator('[data-testid=history] li').count();
    expect(entries).toBe(2);
    await first.close();
    await second.close();
  });

  it('a reviewer sees no response or acceptance form, and the server refuses both with 403', async () => {
    const page = await openPage(reviewerContext);
    await page.goto(`${reviewer.origin}/runs/${runA}`);
    await expect(page.getByTestId('accept-readonly').isVisible()).resolves.toBe(true);
    expect(await page.locator('form[data-testid=accept-form]').count()).toBe(0);
    await page.goto(`${reviewer.origin}/runs/${runA}/findings`);
    const href = (await page.locator('table.findings tbody tr td:first-child a').first().getAttribute('href')) ?? '';
    await page.goto(`${reviewer.origin}${href}`);
    await expect(page.getByTestId('respond-readonly').isVisible()).resolves.toBe(true);
    const findingId = decodeURIComponent(new URL(`${reviewer.origin}${href}`).pathname.split('/')[2] ?? '');
    const before = await h.store.getFinding(findingId);
    // The reviewer's own session and CSRF token, posting the forms an officer would see.
    const statuses = await page.evaluate(
      async ({ findingPath, runPath }) => {
        const csrf = document.querySelector('input[name=_csrf]')?.value ?? '';
        const post = (url: string, fields: Record<string, string>) =>
          fetch(url, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, ...fields }), redirect: 'manual' });
        const respond = await post(`${findingPath}/respond`, { status: 'false_positive', note: 'x', version: '0' });
        const accept = await post(`${runPath}/accept`, { note: 'x' });
        return [respond.status, accept.status, await respond.text()];
      },
      { findingPath: new URL(`${reviewer.origin}${href}`).pathname, runPath: `/runs/${runA}` },
    );
    expect(statuses[0]).toBe(403);
    expect(statuses[1]).toBe(403);
    expect(statuses[2]).toContain('for an officer');
    expect((await h.store.getFinding(findingId))?.version).toBe(before?.version);
    expect((await h.store.getRun(runA))?.acceptance).toBeNull();
    await page.close();
  });

  it('the findings table works from the keyboard alone: filter, sort, move between rows, open one', async () => {
    const page = await openPage(officerContext);
    await page.goto(`${officer.origin}/runs/${runA}/findings`);
    // Filter by severity with the keyboard: Tab to the select, choose with an arrow key, submit with Enter.
    await tabUntil(page, 'select[name=severity]');
    await page.keyboard.press('ArrowDown');
    await tabUntil(page, 'input[name=q]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/severity=critical/);
    const severities = await page.locator('table.findings tbody .sev').allTextContents();
    expect(new Set(severities)).toEqual(new Set(['critical']));
    // Tab to the first sortable header (Check) and then to Subject, sort with Enter.
    await tabUntil(page, 'thead th:nth-child(3) a');
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=subject/);
    const subjects = await page.locator('table.findings tbody td.subject').allTextContents();
    expect(subjects).toEqual([...subjects].sort(naturalCompare));
    // Into the rows, down two, open with Enter.
    await tabUntil(page, 'table.findings tbody a');
    const rows = await page.locator('table.findings tbody tr').count();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    const expected = await page
      .locator('table.findings tbody tr td:first-child a')
      .nth(Math.min(2, rows - 1))
      .getAttribute('href');
    expect(focused).toBe(expected);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/findings\/f-/);
    expect(new URL(page.url()).pathname).toBe(new URL(`${officer.origin}${expected}`).pathname);
    await page.close();
  });

  it('an officer accepts a run; the sign-off names the signed-in person', async () => {
    const page = await openPage(officerContext);
    await page.goto(`${officer.origin}/runs/${runA}`);
    await page.fill('#accept-note', 'reviewed with the MM desk');
    await page.click('form[data-testid=accept-form] button[type=submit]');
    await expect(page.getByTestId('sign-off').textContent()).resolves.toContain('accepted by J. Chan');
    expect((await h.store.getRun(runA))?.acceptance?.by).toBe('J. Chan');
    await page.close();
  });

  it('builds a period report for a venue and range and downloads its PDF and pack', async () => {
    const page = await openPage(officerContext);
    await page.goto(`${officer.origin}/reports`);
    await page.selectOption('#report-venue', 'HKVX');
    await page.fill('#report-from', '2026-02-12');
    await page.fill('#report-to', '2026-02-12');
    await page.click('form[data-testid=report-form] button[type=submit]');
    await expect(page.locator('.notice').textContent()).resolves.toContain('built');
    await shot(page, 'reports');
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid=reports] a', { hasText: 'PDF' }).first().click(),
    ]);
    const pdfBytes = await readFile((await pdf.path()) ?? '');
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    const [zip] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid=reports] a', { hasText: 'pack' }).first().click(),
    ]);
    const zipText = (await readFile((await zip.path()) ?? '')).toString('latin1');
    for (const name of ['manifest.json', 'manifest.sig', 'report.pdf', 'runs.json', 'findings.jsonl']) {
      expect(zipText).toContain(name);
    }
    await page.close();
  });

  it('a dataset whose ids carry HTML and script shows them as text: no dialog, no injected element', async () => {
    const page = await openPage(officerContext);
    const injected = () =>
      page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], script:not([src]), main b').length);
    await page.goto(`${officer.origin}/runs`);
    await expect(page.getByTestId('runs').textContent()).resolves.toContain(HOSTILE_VENUE);
    expect(await injected()).toBe(0);
    await page.goto(`${officer.origin}/runs/${runHostile}`);
    expect(await injected()).toBe(0);
    await page.goto(`${officer.origin}/runs/${runHostile}/findings?q=${encodeURIComponent('<img')}`);
    const subjects = await page.locator('table.findings tbody td.subject').allTextContents();
    expect(subjects.length).toBeGreaterThan(0);
    for (const s of subjects) expect(s).toContain(HOSTILE_TRADE);
    expect(await injected()).toBe(0);
    await shot(page, 'hostile-findings');
    const links = await page
      .locator('table.findings tbody tr td:first-child a')
      .evaluateAll((as) => as.slice(0, 3).map((a) => a.getAttribute('href') ?? ''));
    for (const href of links) {
      await page.goto(`${officer.origin}${href}`);
      await expect(page.getByTestId('subject').textContent()).resolves.toContain(HOSTILE_TRADE);
      expect(await injected()).toBe(0);
    }
    await page.goto(`${officer.origin}/runs/${runHostile}/findings?q=${encodeURIComponent('</script>')}`);
    const orderSubjects = await page.locator('table.findings tbody td.subject').allTextContents();
    for (const s of orderSubjects) expect(s).toContain(HOSTILE_ORDER);
    expect(await injected()).toBe(0);
    // Long ids wrap inside the page: neither the table nor a finding's page scrolls sideways.
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.goto(`${officer.origin}/runs/${runHostile}/findings?q=${encodeURIComponent('<b>acct')}`);
    const accountSubjects = await page.locator('table.findings tbody td.subject').allTextContents();
    expect(accountSubjects.length).toBeGreaterThan(0);
    for (const s of accountSubjects) expect(s).toContain(HOSTILE_ACCOUNT);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.locator('table.findings tbody tr td:first-child a').first().click();
    await expect(page.getByTestId('subject').textContent()).resolves.toContain(HOSTILE_ACCOUNT);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await injected()).toBe(0);
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), `/runs/${runHostile}/findings.csv`);
    expect(csv).toContain(HOSTILE_ORDER);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
