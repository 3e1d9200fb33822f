/**
 * NRH-1..NRH-5 evidence (shared/checks/nrh/) as an auditor reads it: the collateral event, the movement (from → to
 * wallet, qty, asset) with each wallet's kind and owner, and the ledger holdings against custody.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { collateralEventBlocks, walletId, walletKind } from './collateralEvent.js';
import { fieldsBlocks, type Obj, Reading, tableBlock, text } from './read.js';

/** The movement table; `keys`: the evidence keys the wallets came from (marked read only when the table is made). */
function movement(r: Reading, from: unknown, to: unknown, keys: string[] = []): EvidenceBlock[] {
  const ev = r.evidence;
  const event = r.obj('event') ?? {};
  const qty = text(ev, 'qty') ?? text(event, 'qty');
  const asset = text(ev, 'asset') ?? text(event, 'asset');
  if (walletId(from) === undefined && walletId(to) === undefined) return [];
  r.take('qty', 'asset', ...keys.filter((k) => walletId(ev[k]) !== undefined));
  return [
    tableBlock(
      'Movement',
      [{ from, to }],
      [
        { label: 'From wallet', keys: ['from'], value: () => walletId(from) ?? '—' },
        { label: 'Kind, owner', keys: [], value: () => walletKind(from), mono: false },
        { label: 'To wallet', keys: ['to'], value: () => walletId(to) ?? '—' },
        { label: 'Kind, owner', keys: [], value: () => walletKind(to), mono: false },
        { label: 'Qty', keys: [], value: () => qty ?? '—' },
        { label: 'Asset', keys: [], value: () => asset ?? '—' },
      ],
    ),
  ];
}

export function nrhEvidence(finding: FindingDraft): EvidenceBlock[] {
  const r = new Reading(finding.evidence);
  const ev = r.evidence;
  const blocks = collateralEventBlocks(r);
  const event: Obj = r.obj('event') ?? {};
  switch (finding.check_id) {
    case 'NRH-1':
      blocks.push(...movement(r, ev.from_wallet, ev.to_wallet, ['from_wallet', 'to_wallet']));
      blocks.push(
        ...r.fields('Holdings', [
          { label: 'Ledger holdings of the source before', keys: ['ledger_holdings_of_source_before'] },
        ]),
      );
      break;
    case 'NRH-2':
      blocks.push(...movement(r, event.from_wallet, event.to_wallet));
      blocks.push(
        ...r.fields('Default', [
          { label: 'Loan', keys: ['loan_id'] },
          {
            label: 'Earlier default on the loan',
            keys: ['earlier_default'],
            value: (o) => (o.earlier_default === null ? 'none' : text(o, 'earlier_default')),
          },
        ]),
      );
      break;
    case 'NRH-3':
      blocks.push(
        ...r.fields('Encumbrance', [
          { label: 'Wallet', keys: ['wallet_id'] },
          { label: 'Owner entity', keys: ['owner_entity_id'] },
          { label: 'In favour of', keys: ['counterparty'] },
          { label: 'Asset', keys: ['asset'] },
          { label: 'Qty', keys: ['qty'] },
          { label: 'Ledger holdings of the wallet', keys: ['ledger_holdings'] },
        ]),
      );
      break;
    case 'NRH-4':
      blocks.push(
        ...r.fields('Holdings against custody', [
          { label: 'Wallet', keys: ['wallet_id'] },
          { label: 'Asset', keys: ['asset'] },
          { label: 'Ledger holdings', keys: ['ledger_holdings'] },
          { label: 'Custody balance', keys: ['balance'] },
          { label: 'Shortfall', keys: ['shortfall'] },
        ]),
      );
      break;
    case 'NRH-5': {
      blocks.push(...movement(r, ev.from_wallet ?? event.from_wallet, ev.to_wallet, ['from_wallet', 'to_wallet']));
      blocks.push(...r.fields('Rule', [{ label: 'Expected destination', keys: ['expected'], mono: false }]));
      const account = r.obj('account');
      if (account) {
        blocks.push(
          ...fieldsBlocks('Account of the release', account, [
            { label: 'Account', keys: ['account_id'] },
            {
              label: 'In the accounts reference',
              keys: ['known'],
              value: (o) => (o.known === false ? 'no' : o.known === true ? 'yes' : undefined),
              mono: false,
            },
            { label: 'Entity', keys: ['entity_id'] },
            { label: 'Role', keys: ['role'], mono: false },
          ]),
        );
      }
      blocks.push(
        ...r.fields('Holdings', [
          { label: "Loan's pledged qty of the asset before", keys: ['loan_pledged_qty_of_asset_before'] },
        ]),
      );
      break;
    }
  }
  return [...blocks, ...r.rest()];
}
