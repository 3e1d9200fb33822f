/**
 * SOB-1..SOB-3 evidence (shared/checks/sob/) as an auditor reads it: the routed order and each event that left it
 * short of pre-funding (required against pre-funded); the venue and its two flags; the execution's legs, one a row,
 * and every reason its settlement was not delivery-versus-payment.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { scalarText } from './generic.js';
import { type ColumnSpec, fieldsBlocks, fileLine, type Obj, Reading, shownNote, tableBlock, yesNo } from './read.js';

const RECORD: ColumnSpec = { label: 'Record', keys: ['file', 'line'], value: (o: Obj) => fileLine(o) };

/** "Why …: a; b." from a list of reasons, marked read; nothing when the evidence has none. */
function reasonsText(r: Reading, lead: string): EvidenceBlock[] {
  const reasons = r.evidence.reasons;
  if (!Array.isArray(reasons) || reasons.length === 0) return [];
  r.take('reasons');
  return [{ kind: 'text', text: `${lead}: ${reasons.map(scalarText).join('; ')}.` }];
}

/**
 * A table of the rows the check kept under `key` (the first 10), with a note when `countKey` says there were more;
 * both keys marked read. Nothing when there are no rows.
 */
function keptRows(
  r: Reading,
  key: string,
  countKey: string,
  title: string,
  what: string,
  columns: readonly ColumnSpec[],
): EvidenceBlock[] {
  const rows = r.rows(key);
  if (rows === undefined || rows.length === 0) return [];
  r.take(countKey);
  return [
    tableBlock(
      title,
      rows,
      columns,
      shownNote(rows.length, r.evidence[countKey], what, 'the check keeps the first 10'),
    ),
  ];
}

export function sobEvidence(finding: FindingDraft): EvidenceBlock[] {
  const r = new Reading(finding.evidence);
  const blocks: EvidenceBlock[] = [];
  switch (finding.check_id) {
    case 'SOB-1': {
      blocks.push(
        ...r.fields('Routed order', [
          { label: 'Order', keys: ['order_id'] },
          { label: 'Account', keys: ['account_id'] },
          { label: 'Symbol', keys: ['symbol'] },
          { label: 'Side', keys: ['side'], mono: false },
          { label: 'Type', keys: ['type'], mono: false },
          {
            label: 'Venue',
            keys: ['route'],
            value: (o) => (o.route === null ? 'not known here' : scalarText(o.route)),
          },
        ]),
      );
      blocks.push(
        ...keptRows(
          r,
          'short_events',
          'short_events_count',
          'Events after which it was not fully pre-funded',
          'short events',
          [
            { label: 'Event', keys: ['event'], mono: false },
            { label: 'Seq', keys: ['seq'] },
            RECORD,
            { label: 'Qty', keys: ['qty'] },
            { label: 'Price', keys: ['price'], value: (o) => (o.price === null ? '—' : scalarText(o.price)) },
            { label: 'Required', keys: ['required'] },
            {
              label: 'Pre-funded',
              keys: ['prefunded'],
              value: (o) => (o.prefunded === null ? 'none stated' : scalarText(o.prefunded)),
            },
            { label: 'Short by', keys: ['shortfall'] },
            { label: 'Time', keys: ['ts'] },
          ],
        ),
      );
      break;
    }
    case 'SOB-2':
      blocks.push(
        ...r.fields('Routed order', [
          { label: 'Order', keys: ['order_id'] },
          { label: 'Account', keys: ['account_id'] },
          { label: 'Symbol', keys: ['symbol'] },
          { label: 'Side', keys: ['side'], mono: false },
          { label: 'Seq', keys: ['seq'] },
          { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
          { label: 'Time', keys: ['ts'] },
        ]),
      );
      {
        const venue = r.obj('venue');
        if (venue !== undefined) {
          blocks.push(
            ...fieldsBlocks('Venue', venue, [
              { label: 'Venue', keys: ['venue_id'] },
              { label: 'Jurisdiction', keys: ['jurisdiction'] },
              { label: 'FATF member', keys: ['fatf_member'], value: (o) => yesNo(o.fatf_member), mono: false },
              {
                label: 'Approved for the shared order book',
                keys: ['shared_book_approved'],
                value: (o) => yesNo(o.shared_book_approved),
                mono: false,
              },
            ]),
          );
        }
      }
      blocks.push(...reasonsText(r, 'Why the venue does not qualify'));
      break;
    case 'SOB-3': {
      blocks.push(
        ...r.fields('Execution', [
          { label: 'Execution', keys: ['exec_id'] },
          { label: 'Asset legs', keys: ['asset_legs'] },
          { label: 'Cash legs', keys: ['cash_legs'] },
          { label: 'Legs not DvP', keys: ['not_dvp_legs'] },
          {
            label: 'Batches',
            keys: ['batch_ids'],
            value: (o) => (Array.isArray(o.batch_ids) ? o.batch_ids.map(scalarText).join(', ') : undefined),
          },
          {
            label: 'Orders',
            keys: ['order_ids'],
            value: (o) => (Array.isArray(o.order_ids) ? o.order_ids.map(scalarText).join(', ') : undefined),
          },
        ]),
      );
      blocks.push(...reasonsText(r, 'Why it was not settled delivery-versus-payment'));
      blocks.push(
        ...keptRows(r, 'legs', 'legs_count', 'Settlement legs', 'legs', [
          { label: 'Leg', keys: ['leg'], mono: false },
          { label: 'Event', keys: ['event_id'] },
          { label: 'Seq', keys: ['seq'] },
          RECORD,
          { label: 'Order', keys: ['order_id'] },
          { label: 'Qty', keys: ['qty'] },
          { label: 'Mechanism', keys: ['mechanism'], mono: false },
          { label: 'Batch', keys: ['batch_id'] },
          { label: 'Time', keys: ['ts'] },
        ]),
      );
      break;
    }
    default:
      break;
  }
  return [...blocks, ...r.rest()];
}
