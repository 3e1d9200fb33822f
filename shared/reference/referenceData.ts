import type { Account, DatasetManifest, Instrument, RecordType, Staff, Wallet } from '../contract/records.js';
import { recordTypesOf } from '../contract/records.js';
import type { Venue } from '../contract/recordsV2.js';

/** Reference data of one dataset, indexed. Built once, read by every check. */
export interface ReferenceData {
  manifest: DatasetManifest;
  accounts: ReadonlyMap<string, Account>;
  staff: ReadonlyMap<string, Staff>;
  wallets: ReadonlyMap<string, Wallet>;
  instruments: ReadonlyMap<string, Instrument>;
  /** Overseas venues an order may be routed to (contract 2's `venues/`; empty on a contract-1 dataset). */
  venues: ReadonlyMap<string, Venue>;
  /** Entities that own an affiliated_mm account (RULES "MM entity"). */
  mmEntities: ReadonlySet<string>;
  /** Whether the dataset has an `access/` folder (FS-4 / FS-5 scope). */
  hasAccessLog: boolean;
  /**
   * The record folders of the dataset's contract that hold at least one file: a check whose folder is absent reports
   * "not tested" with that reason (V2.md). Left out: every folder the contract has is taken as present.
   */
  folders: ReadonlySet<RecordType>;
}

/** The reference data from its parts; `venues` may be left out (a dataset without them: no venue is known). */
export function buildReferenceData(
  parts: Omit<ReferenceData, 'mmEntities' | 'venues' | 'folders'> & {
    venues?: ReadonlyMap<string, Venue>;
    folders?: ReadonlySet<RecordType>;
  },
): ReferenceData {
  const mmEntities = new Set<string>();
  for (const a of parts.accounts.values()) if (a.role === 'affiliated_mm') mmEntities.add(a.entity_id);
  const folders = parts.folders ?? new Set(recordTypesOf(parts.manifest.contract));
  return { ...parts, venues: parts.venues ?? new Map(), folders, mmEntities };
}

/** RULES "Protected" accounts: role client or third_party_mm. */
export function isProtectedRole(role: Account['role']): boolean {
  return role === 'client' || role === 'third_party_mm';
}
