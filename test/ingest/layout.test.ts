import { describe, expect, it } from 'vitest';
import { classifyLayout, hasAccessFolder, unsupportedFileEntry } from '#shared/ingest/layout.js';
import { quarantineToFinding } from '#shared/ingest/quarantine.js';

const f = (path: string, size = 10) => ({ path, size });

describe('classifyLayout', () => {
  it('sorts files into record folders by format, the manifest, unsupported and ignored files', () => {
    const layout = classifyLayout(
      [
        f('README.md'),
        f('accounts/a.jsonl'),
        f('access/x.csv.gz'),
        f('manifest.json'),
        f('orders/2026/part-1.jsonl.gz'),
        f('orders/notes.txt'),
        f('orders/_SUCCESS', 0),
        f('orders/part-2.CSV'),
        f('orders/part.json'),
        f('orders/p.csv'),
        f('trades/t.jsonl'),
        f('orders.jsonl'),
        f('Orders/o.jsonl'),
        f('staff/manifest.json'),
      ],
      1,
    );
    expect(layout.manifest).toEqual(f('manifest.json'));
    expect(layout.records.orders.map((x) => [x.path, x.format])).toEqual([
      ['orders/2026/part-1.jsonl.gz', 'jsonl.gz'],
      ['orders/p.csv', 'csv'],
    ]);
    expect(layout.records.access.map((x) => x.format)).toEqual(['csv.gz']);
    expect(layout.records.trades.map((x) => x.record_type)).toEqual(['trades']);
    expect(layout.unsupported.map((x) => x.path)).toEqual([
      'orders/notes.txt',
      'orders/part-2.CSV',
      'orders/part.json',
      'staff/manifest.json',
    ]);
    expect(layout.ignored.map((x) => x.path)).toEqual([
      'README.md',
      'orders/_SUCCESS',
      'orders.jsonl',
      'Orders/o.jsonl',
    ]);
    expect(hasAccessFolder(layout)).toBe(true);
    expect(layout.files).toHaveLength(14);
  });

  it('has no access folder when no file is under access/', () => {
    expect(hasAccessFolder(classifyLayout([f('orders/a.jsonl'), f('access.jsonl')], 1))).toBe(false);
  });

  it('DQ-1: an unsupported file in a record folder is one DQ-1 at path:1', () => {
    const layout = classifyLayout([f('orders/part-3.parquet')], 1);
    const entry = unsupportedFileEntry(layout.unsupported[0]!);
    expect(entry).toMatchObject({ file: 'orders/part-3.parquet', line: 1, record_type: 'orders', scope: 'file' });
    const finding = quarantineToFinding(entry);
    expect(finding).toMatchObject({ check_id: 'DQ-1', severity: 'medium', subject: 'orders/part-3.parquet:1' });
    expect(finding.detail).toMatch(/unsupported file format/);
  });
});

describe('quarantineToFinding', () => {
  it('DQ-1: subject path:line, medium, naming the reason', () => {
    const finding = quarantineToFinding({
      file: 'orders/part-2.csv.gz',
      line: 17,
      record_type: 'orders',
      reason: 'price is not above zero: -1',
      raw: '1,2,3',
      scope: 'record',
    });
    expect(finding).toMatchObject({ check_id: 'DQ-1', severity: 'medium', subject: 'orders/part-2.csv.gz:17' });
    expect(finding.title).toContain('orders/part-2.csv.gz:17');
    expect(finding.detail).toContain('price is not above zero: -1');
    expect(finding.evidence).toMatchObject({ file: 'orders/part-2.csv.gz', line: 17, raw: '1,2,3' });
  });
});
