import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyLayout } from '#shared/ingest/layout.js';
import type { FileStats, QuarantineEntry } from '#shared/ingest/readRecords.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import { loadReferenceData } from '#shared/reference/loadReference.js';
import { jsonl, tempDataset, VALID } from '../ingest/helpers.js';

const MANIFEST = {
  contract: 1 as const,
  venue: 'HKVX',
  operator_entity_id: 'E-OP',
  period_start: '2026-02-12T00:00:00Z',
  period_end: '2026-02-13T00:00:00Z',
};

describe('loadReferenceData', () => {
  it('indexes every reference folder, MM entities and the access folder', async () => {
    const ds = tempDataset({
      'accounts/a.jsonl': jsonl(VALID.accounts, { account_id: 'MM-1', entity_id: 'E-MM', role: 'affiliated_mm' }),
      'staff/s.csv': 'user_id,entity_id,function\nu-1,E-MM,market_making\n',
      'wallets/w.jsonl': jsonl(VALID.wallets),
      'instruments/i.jsonl.gz': gzipSync(jsonl(VALID.instruments)),
      'access/x.jsonl': '',
    });
    try {
      const source = new LocalDatasetSource(ds.root);
      const layout = classifyLayout(await source.list(), 1);
      const stats: FileStats[] = [];
      const ref = await loadReferenceData(
        source,
        layout,
        MANIFEST,
        () => {},
        (s) => stats.push(s),
      );
      expect([...ref.accounts.keys()]).toEqual(['C-1', 'MM-1']);
      expect(ref.accounts.get('C-1')!.securities_margin_client).toBe(false);
      expect(ref.staff.get('u-1')!.function).toBe('market_making');
      expect([...ref.wallets.keys()]).toEqual(['W-1']);
      expect([...ref.instruments.keys()]).toEqual(['BTC-USD']);
      expect([...ref.mmEntities]).toEqual(['E-MM']);
      expect(ref.hasAccessLog).toBe(true);
      expect(ref.manifest).toBe(MANIFEST);
      expect(stats.map((s) => s.path)).toEqual([
        'accounts/a.jsonl',
        'staff/s.csv',
        'wallets/w.jsonl',
        'instruments/i.jsonl.gz',
      ]);
    } finally {
      ds.remove();
    }
  });

  it('DQ-1: a repeated key keeps the first record (file path order, then line) and sets the later ones aside', async () => {
    const ds = tempDataset({
      'accounts/1.jsonl': jsonl(VALID.accounts, { ...VALID.accounts, account_id: 'C-2' }),
      'accounts/2.jsonl': jsonl(
        { ...VALID.accounts, role: 'platform', investor_class: null },
        { ...VALID.accounts, account_id: 'C-3' },
      ),
      'wallets/w.jsonl': jsonl(VALID.wallets, { ...VALID.wallets, kind: 'external' }),
    });
    try {
      const source = new LocalDatasetSource(ds.root);
      const layout = classifyLayout(await source.list(), 1);
      const quarantine: QuarantineEntry[] = [];
      const stats: FileStats[] = [];
      const ref = await loadReferenceData(
        source,
        layout,
        MANIFEST,
        (q) => quarantine.push(q),
        (s) => stats.push(s),
      );
      expect(ref.accounts.get('C-1')!.role).toBe('client');
      expect([...ref.accounts.keys()]).toEqual(['C-1', 'C-2', 'C-3']);
      expect(ref.wallets.get('W-1')!.kind).toBe('house');
      expect(ref.hasAccessLog).toBe(false);
      expect(quarantine.map((q) => [q.file, q.line, q.scope])).toEqual([
        ['accounts/2.jsonl', 1, 'record'],
        ['wallets/w.jsonl', 2, 'record'],
      ]);
      expect(quarantine[0]!.reason).toBe(
        'duplicate account_id "C-1", first at accounts/1.jsonl:1; the first record is kept',
      );
      expect(quarantine[0]!.raw).toContain('platform');
      expect(stats.map((s) => [s.path, s.records, s.accepted, s.quarantined])).toEqual([
        ['accounts/1.jsonl', 2, 2, 0],
        ['accounts/2.jsonl', 2, 1, 1],
        ['wallets/w.jsonl', 2, 1, 1],
      ]);
    } finally {
      ds.remove();
    }
  });

  it('contract 2: venues are loaded (a duplicate venue_id is DQ-1, the first kept); instruments carry the IOSCO flag', async () => {
    const ds = tempDataset({
      'venues/a.jsonl': jsonl(VALID.venues, {
        ...VALID.venues,
        venue_id: 'V-JP',
        jurisdiction: 'JP',
        fatf_member: false,
      }),
      'venues/b.csv': 'venue_id,jurisdiction,fatf_member,shared_book_approved\nV-SG,SG,false,false\n',
      'instruments/i.jsonl': jsonl({ ...VALID.instruments, product: 'perpetual', reference_index_iosco: true }),
    });
    try {
      const source = new LocalDatasetSource(ds.root);
      const quarantine: QuarantineEntry[] = [];
      const stats: FileStats[] = [];
      const v2 = await loadReferenceData(
        source,
        classifyLayout(await source.list(), 2),
        { ...MANIFEST, contract: 2 },
        (q) => quarantine.push(q),
        (s) => stats.push(s),
      );
      expect([...v2.venues.values()]).toEqual([
        { venue_id: 'V-SG', jurisdiction: 'SG', fatf_member: true, shared_book_approved: true },
        { venue_id: 'V-JP', jurisdiction: 'JP', fatf_member: false, shared_book_approved: true },
      ]);
      expect(quarantine.map((q) => [q.file, q.line, q.reason])).toEqual([
        ['venues/b.csv', 2, 'duplicate venue_id "V-SG", first at venues/a.jsonl:1; the first record is kept'],
      ]);
      expect(stats.map((s) => [s.path, s.accepted, s.quarantined])).toEqual([
        ['instruments/i.jsonl', 1, 0],
        ['venues/a.jsonl', 2, 0],
        ['venues/b.csv', 0, 1],
      ]);
      expect(v2.instruments.get('BTC-USD')!.reference_index_iosco).toBe(true);

      // The same files as a contract-1 dataset: venues/ is not read, and the instrument has no such field.
      const v1Stats: FileStats[] = [];
      const v1 = await loadReferenceData(
        source,
        classifyLayout(await source.list(), 1),
        MANIFEST,
        () => {},
        (s) => v1Stats.push(s),
      );
      expect(v1.venues.size).toBe(0);
      expect(v1Stats.map((s) => s.path)).toEqual(['instruments/i.jsonl']);
      expect('reference_index_iosco' in v1.instruments.get('BTC-USD')!).toBe(false);
    } finally {
      ds.remove();
    }
  });
});
