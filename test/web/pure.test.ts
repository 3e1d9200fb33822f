/** The pure parts of the workbench: the escaping template, the findings table (filters, order, pages, CSV), the ZIP. */
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FindingRow } from '#shared/store/findingRows.js';
import { BadRequestError } from '#shared/web/errors.js';
import {
  csvField,
  csvLines,
  findingsOverTime,
  naturalCompare,
  parseTableQuery,
  type StatusedRow,
  sortableRows,
  tablePage,
  tableQueryParams,
  withStatuses,
} from '#shared/web/findingsTable.js';
import { escapeHtml, html, toDocument, trustedHtml } from '#shared/web/html.js';
import { barChart } from '#shared/web/pages/parts.js';
import { zipFiles } from '#shared/web/zip.js';

describe('html', () => {
  it('escapes every interpolation, in text and in attribute values, and passes only Html through', () => {
    const evil = `<img src=x onerror=alert(1)>"'\`&`;
    const out = html`<p title="${evil}">${evil}</p>${html`<b>${evil}</b>`}`.value;
    expect(out).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;</p><b>&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;</b>',
    );
    expect(html`${['<a>', 1, null, undefined, false, [2n, '&']]}`.value).toBe('&lt;a&gt;12&amp;');
    expect(toDocument(trustedHtml('<svg></svg>'))).toBe('<!DOCTYPE html>\n<svg></svg>');
    // A plain object shaped like Html is still escaped: only the template and trustedHtml make markup.
    expect(html`${{ value: '<x>' } as never}`.value).toBe('[object Object]');
    expect(escapeHtml('</script>')).toBe('&lt;/script&gt;');
  });

  it('charts escape their labels inside the SVG they build', () => {
    const chart = barChart('by <check>', [{ label: '<script>alert(1)</script>', value: 3 }]).value;
    expect(chart).not.toContain('<script>');
    expect(chart).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

const row = (i: number, more: Partial<FindingRow> = {}): FindingRow => ({
  finding_id: `f-${String(i).padStart(3, '0')}`,
  check_id: i % 3 === 0 ? 'CP-1' : 'DQ-1',
  severity: i % 2 === 0 ? 'critical' : 'low',
  subject: `T-${1000 - i}`,
  account_id: i % 4 === 0 ? null : `C-${i % 4}`,
  symbol: i % 5 === 0 ? 'ETH-USD' : 'BTC-USD',
  ts: `2026-02-12T${String(i % 24).padStart(2, '0')}:00:00Z`,
  ...more,
});

describe('the findings table', () => {
  const rows: StatusedRow[] = withStatuses(
    sortableRows(Array.from({ length: 120 }, (_, i) => row(i))),
    new Map([['f-003', 'acknowledged']]),
  );

  it('filters by every field, counts what matches, and pages', () => {
    const q = parseTableQuery({ check: 'CP-1', severity: 'critical', size: '25' });
    const page = tablePage(rows, q);
    expect(page.matched).toBe(rows.filter((r) => r.check_id === 'CP-1' && r.severity === 'critical').length);
    expect(page.total).toBe(120);
    expect(page.rows.every((r) => r.check_id === 'CP-1' && r.severity === 'critical')).toBe(true);
    expect(tablePage(rows, parseTableQuery({ status: 'acknowledged' })).rows.map((r) => r.finding_id)).toEqual([
      'f-003',
    ]);
    expect(tablePage(rows, parseTableQuery({ account: 'C-1' })).matched).toBe(30);
    expect(tablePage(rows, parseTableQuery({ symbol: 'ETH-USD' })).matched).toBe(24);
    expect(tablePage(rows, parseTableQuery({ q: 't-99', sort: 'subject' })).rows.map((r) => r.subject)).toEqual([
      'T-990',
      'T-991',
      'T-992',
      'T-993',
      'T-994',
      'T-995',
      'T-996',
      'T-997',
      'T-998',
      'T-999',
    ]);
    const p3 = tablePage(rows, parseTableQuery({ page: '3', size: '50' }));
    expect([p3.page, p3.pages, p3.rows.length]).toEqual([3, 3, 20]);
    // A page past the end shows the last one.
    expect(tablePage(rows, parseTableQuery({ page: '99' })).page).toBe(3);
  });

  it('sorts by a column in either direction, ties broken by check, subject and id (a total order)', () => {
    const bySeverity = tablePage(rows, parseTableQuery({ sort: 'severity', size: '200' })).rows;
    expect(bySeverity[0]?.severity).toBe('critical');
    expect(bySeverity.at(-1)?.severity).toBe('low');
    const byTsDesc = tablePage(rows, parseTableQuery({ sort: 'ts', dir: 'desc', size: '200' })).rows.map((r) => r.ts);
    expect(byTsDesc).toEqual([...byTsDesc].sort().reverse());
    const accounts = tablePage(rows, parseTableQuery({ sort: 'account', size: '200' })).rows.map((r) => r.account_id);
    expect(accounts.at(-1)).toBeNull();
  });

  it('orders ids as a person reads them and times by their instant, whatever the length of the fraction', () => {
    expect(['t-1084', 't-753', 't-80', 'T-9', 'C-10', 'C-2', 'C-02'].sort(naturalCompare)).toEqual([
      'C-02',
      'C-2',
      'C-10',
      'T-9',
      't-80',
      't-753',
      't-1084',
    ]);
    const timed = withStatuses(
      sortableRows([
        row(1, { ts: '2026-02-12T10:00:00.89Z' }),
        row(2, { ts: '2026-02-12T10:00:00.890180733Z' }),
        row(3, { ts: null }),
        row(4, { ts: '2026-02-12T10:00:00Z' }),
      ]),
      new Map(),
    );
    expect(tablePage(timed, parseTableQuery({ sort: 'ts' })).rows.map((r) => r.finding_id)).toEqual([
      'f-004',
      'f-001',
      'f-002',
      'f-003',
    ]);
    // T-1000 is the last subject, not the first as it would be by code unit.
    const subjects = tablePage(rows, parseTableQuery({ sort: 'subject', size: '200' })).rows.map((r) => r.subject);
    expect([subjects[0], subjects.at(-1)]).toEqual(['T-881', 'T-1000']);
  });

  it('charts every hour of the period, zeros included, and counts findings outside it before or after', () => {
    const period = { period_start: '2026-02-12T00:00:00Z', period_end: '2026-02-13T00:00:00Z' };
    const timed = sortableRows([
      row(1, { ts: '2026-02-12T03:15:00Z' }),
      row(2, { ts: '2026-02-12T03:59:59.999999999Z' }),
      row(3, { ts: '2026-02-11T23:00:00Z' }),
      row(4, { ts: '2026-02-13T00:00:00Z' }),
      row(5, { ts: null }),
    ]);
    const day = findingsOverTime(timed, period);
    expect(day.unit).toBe('hour');
    expect(day.bars.map((b) => b.label)).toEqual([
      'before',
      ...Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`),
      'after',
    ]);
    expect(day.bars.find((b) => b.label === '03:00')?.count).toBe(2);
    expect(day.bars.reduce((n, b) => n + b.count, 0)).toBe(4);
    // A Hong Kong day crosses a UTC date: the labels name the date too.
    const hk = findingsOverTime(timed, { period_start: '2026-02-11T16:00:00Z', period_end: '2026-02-12T16:00:00Z' });
    expect(hk.bars[0]?.label).toBe('02-11 16:00');
    expect(hk.bars.map((b) => b.label)).toHaveLength(25);
    expect(hk.bars.at(-1)).toEqual({ label: 'after', count: 1 });
    const week = findingsOverTime(timed, { period_start: '2026-02-09T00:00:00Z', period_end: '2026-02-16T00:00:00Z' });
    expect(week.unit).toBe('day');
    expect(week.bars.map((b) => b.label)).toHaveLength(7);
    expect(week.bars.find((b) => b.label === '2026-02-12')?.count).toBe(2);
  });

  it('refuses values it does not know, naming the parameter', () => {
    expect(() => parseTableQuery({ severity: 'urgent' })).toThrow(BadRequestError);
    expect(() => parseTableQuery({ sort: 'evidence' })).toThrow(/sort must be one of/);
    expect(() => parseTableQuery({ page: '0' })).toThrow(/page/);
    expect(() => parseTableQuery({ size: '7' })).toThrow(/size must be one of/);
  });

  it('links keep the query and leave defaults out', () => {
    const q = parseTableQuery({ check: 'CP-1', q: 'a&b' });
    expect(tableQueryParams(q, { page: 2 }).toString()).toBe('check=CP-1&q=a%26b&page=2');
  });

  it('writes CSV with quoting, and defuses cells a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(null)).toBe('');
    const lines = [...csvLines(rows.slice(0, 2))];
    expect(lines[0]).toBe('finding_id,check_id,severity,status,subject,account_id,symbol,ts\r\n');
    expect(lines).toHaveLength(3);
  });
});

describe('zipFiles', () => {
  it('writes an archive whose entries read back byte for byte, and the same files give the same bytes', () => {
    const files = [
      { name: 'manifest.json', data: Buffer.from('{"a":1}\n'.repeat(50)) },
      { name: 'report.pdf', data: Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d]) },
    ];
    const zip = zipFiles(files);
    expect(zipFiles(files).equals(zip)).toBe(true);
    const end = zip.length - 22;
    expect(zip.readUInt32LE(end)).toBe(0x06054b50);
    let at = zip.readUInt32LE(end + 16);
    for (const f of files) {
      expect(zip.readUInt32LE(at)).toBe(0x02014b50);
      const method = zip.readUInt16LE(at + 10);
      const size = zip.readUInt32LE(at + 20);
      const nameLength = zip.readUInt16LE(at + 28);
      const offset = zip.readUInt32LE(at + 42);
      expect(zip.subarray(at + 46, at + 46 + nameLength).toString()).toBe(f.name);
      const dataStart = offset + 30 + zip.readUInt16LE(offset + 26);
      const body = zip.subarray(dataStart, dataStart + size);
      expect((method === 8 ? inflateRawSync(body) : body).equals(f.data)).toBe(true);
      at += 46 + nameLength;
    }
  });
});
