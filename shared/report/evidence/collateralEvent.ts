/** The collateral record a NRH or MF finding is about (shared/collateral/collateralRule.ts eventEvidence). */
import type { EvidenceBlock } from '../evidenceView.js';
import { scalarText } from './generic.js';
import { fieldsBlocks, fileLine, type Obj, type Reading } from './read.js';

export function collateralEventBlocks(r: Reading): EvidenceBlock[] {
  const event = r.obj('event');
  if (event === undefined) return [];
  return fieldsBlocks('Collateral event', event, [
    { label: 'Event', keys: ['event_id'] },
    { label: 'Type', keys: ['event'], mono: false },
    { label: 'Seq', keys: ['seq'] },
    { label: 'Time', keys: ['ts'] },
    { label: 'Account', keys: ['account_id'] },
    { label: 'Loan', keys: ['loan_id'] },
    { label: 'Asset', keys: ['asset'] },
    { label: 'Asset class', keys: ['asset_class'], mono: false },
    { label: 'Qty', keys: ['qty'] },
    { label: 'Price', keys: ['price'] },
    { label: 'Haircut', keys: ['haircut'] },
    { label: 'Amount', keys: ['amount'] },
    { label: 'Counterparty', keys: ['counterparty'] },
    { label: 'From wallet', keys: ['from_wallet'] },
    { label: 'To wallet', keys: ['to_wallet'] },
    { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
  ]);
}

/** A wallet as evidence names it: its id, or its reference record ({wallet_id, known, kind, owner_entity_id}). */
export function walletId(w: unknown): string | undefined {
  if (typeof w === 'string') return w;
  if (typeof w === 'object' && w !== null && 'wallet_id' in w) return scalarText((w as Obj).wallet_id);
  return undefined;
}

/** "client_collateral, owned by E-1" or "not in the wallets reference". */
export function walletKind(w: unknown): string {
  if (typeof w !== 'object' || w === null) return '—';
  const o = w as Obj;
  if (o.known === false) return 'not in the wallets reference';
  const kind = o.kind === undefined ? '—' : scalarText(o.kind);
  return o.owner_entity_id === undefined ? kind : `${kind}, owned by ${scalarText(o.owner_entity_id)}`;
}
