/**
 * Loads the reference folders (accounts, staff, wallets, instruments; venues on a contract-2 dataset) into indexed
 * maps. Each key (account_id, user_id, wallet_id, symbol, venue_id) must be unique: a later record with a key already seen (in file path order, then
 * line) is set aside as DQ-1 ("duplicate account_id 'X', first at file:line") and the first one is kept, so that
 * the audit never silently picks between two versions of the same account.
 */
import type { Account, DatasetManifest, Instrument, RecordType, Staff, Wallet } from '../contract/records.js';
import type { Venue } from '../contract/recordsV2.js';
import type { DatasetLayout } from '../ingest/layout.js';
import { type FileStats, type QuarantineEntry, RAW_CAP, readRecords } from '../ingest/readRecords.js';
import type { DatasetSource } from '../ingest/source.js';
import { buildReferenceData, type ReferenceData } from './referenceData.js';

type Keyed = 'accounts' | 'staff' | 'wallets' | 'instruments' | 'venues';

async function loadKeyed<T>(
  source: DatasetSource,
  layout: DatasetLayout,
  type: Keyed & RecordType,
  key: (rec: T) => string,
  keyName: string,
  quarantine: (q: QuarantineEntry) => void,
  stats: (s: FileStats) => void,
): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  const firstAt = new Map<string, string>();
  for (const file of layout.records[type]) {
    let duplicates = 0;
    const reader = readRecords(source, file, {
      quarantine,
      stats(s) {
        // A duplicate was accepted by the schema but set aside here: keep records = accepted + quarantined.
        stats({ ...s, accepted: s.accepted - duplicates, quarantined: s.quarantined + duplicates });
      },
    });
    for await (const item of reader) {
      const rec = item.rec as T;
      const k = key(rec);
      const first = firstAt.get(k);
      if (first !== undefined) {
        duplicates++;
        const raw = JSON.stringify(rec);
        quarantine({
          file: item.file,
          line: item.line,
          record_type: type,
          reason: `duplicate ${keyName} ${JSON.stringify(k)}, first at ${first}; the first record is kept`,
          raw: raw.length > RAW_CAP ? raw.slice(0, RAW_CAP) : raw,
          scope: 'record',
        });
        continue;
      }
      firstAt.set(k, `${item.file}:${item.line}`);
      out.set(k, rec);
    }
  }
  return out;
}

export async function loadReferenceData(
  source: DatasetSource,
  layout: DatasetLayout,
  manifest: DatasetManifest,
  quarantine: (q: QuarantineEntry) => void,
  stats: (s: FileStats) => void,
): Promise<ReferenceData> {
  const accounts = await loadKeyed<Account>(
    source,
    layout,
    'accounts',
    (r) => r.account_id,
    'account_id',
    quarantine,
    stats,
  );
  const staff = await loadKeyed<Staff>(source, layout, 'staff', (r) => r.user_id, 'user_id', quarantine, stats);
  const wallets = await loadKeyed<Wallet>(
    source,
    layout,
    'wallets',
    (r) => r.wallet_id,
    'wallet_id',
    quarantine,
    stats,
  );
  const instruments = await loadKeyed<Instrument>(
    source,
    layout,
    'instruments',
    (r) => r.symbol,
    'symbol',
    quarantine,
    stats,
  );
  // A contract-1 layout has no venues folder: nothing is read and the map stays empty.
  const venues = await loadKeyed<Venue>(source, layout, 'venues', (r) => r.venue_id, 'venue_id', quarantine, stats);
  return buildReferenceData({
    manifest,
    accounts,
    staff,
    wallets,
    instruments,
    venues,
    hasAccessLog: layout.hasAccessFolder,
    folders: new Set(layout.folders),
  });
}
