/**
 * PERP evidence (shared/checks/perp/): for PERP-1 / PERP-2 the order and the client's investor class, or the
 * instrument (on a contract-2 dataset also its IOSCO index flag and what it is missing); the margin checks PERP-3..7
 * are read in perpMargin.ts.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { scalarText } from './generic.js';
import { perpMarginEvidence } from './perpMargin.js';
import { fileLine, Reading, yesNo } from './read.js';

export function perpEvidence(finding: FindingDraft): EvidenceBlock[] {
  const margin = perpMarginEvidence(finding);
  if (margin !== undefined) return margin;
  const r = new Reading(finding.evidence);
  return [
    ...r.fields('Client', [
      { label: 'Account', keys: ['account_id'] },
      { label: "Account's entity", keys: ['account_entity_id'] },
      {
        label: 'Investor class',
        keys: ['investor_class'],
        value: (o) => (o.investor_class === null ? 'not classified (null)' : (o.investor_class as string | undefined)),
        mono: false,
      },
    ]),
    ...r.fields('Order', [
      { label: 'Order', keys: ['order_id'] },
      { label: 'Event', keys: ['event'], mono: false },
      { label: 'Side', keys: ['side'], mono: false },
      { label: 'User', keys: ['user_id'] },
      { label: 'Seq', keys: ['seq'] },
      { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
    ]),
    ...r.fields('Instrument', [
      { label: 'Symbol', keys: ['symbol'] },
      { label: 'Product', keys: ['product'], mono: false },
      { label: 'Reference asset', keys: ['reference_asset'] },
      {
        label: 'Approved for retail spot trading',
        keys: ['retail_spot_approved'],
        value: (o) => yesNo(o.retail_spot_approved),
        mono: false,
      },
      {
        label: 'References an IOSCO-compliant index',
        keys: ['reference_index_iosco'],
        value: (o) => yesNo(o.reference_index_iosco),
        mono: false,
      },
      {
        label: 'Missing',
        keys: ['missing'],
        value: (o) => (Array.isArray(o.missing) ? o.missing.map((m) => scalarText(m)).join('; ') : undefined),
        mono: false,
      },
    ]),
    ...r.rest(),
  ];
}
