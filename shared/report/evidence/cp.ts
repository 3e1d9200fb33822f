/**
 * CP-1 / CP-2 evidence (shared/checks/cp/customerPriority.ts) as an auditor reads it: the trade, the affiliated MM
 * order it filled, the taker, the protected orders that blocked it (by priority) and the totals.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { fieldsBlocks, fileLine, type Obj, Reading, shownNote, tableBlock, text, yesNo } from './read.js';

const record = { label: 'Record', keys: ['file', 'line'], value: (o: Obj) => fileLine(o) };

export function cpEvidence(finding: FindingDraft): EvidenceBlock[] {
  const r = new Reading(finding.evidence);
  const blocks: EvidenceBlock[] = [];
  const trade = r.obj('trade');
  if (trade) {
    blocks.push(
      ...fieldsBlocks('Trade', trade, [
        { label: 'Trade', keys: ['trade_id'] },
        { label: 'Seq', keys: ['seq'] },
        { label: 'Time', keys: ['ts'] },
        { label: 'Symbol', keys: ['symbol'] },
        { label: 'Price', keys: ['price'] },
        { label: 'Qty', keys: ['qty'] },
        { label: 'Phase', keys: ['phase'], mono: false },
        { label: 'Maker order', keys: ['maker_order_id'] },
        { label: 'Taker order', keys: ['taker_order_id'] },
        record,
      ]),
    );
  }
  const mm = r.obj('mm_order');
  if (mm) {
    blocks.push(
      ...fieldsBlocks('Affiliated MM order (maker)', mm, [
        { label: 'Order', keys: ['order_id'] },
        { label: 'Account', keys: ['account_id'] },
        { label: 'Side', keys: ['side'], mono: false },
        { label: 'Limit price', keys: ['price'] },
        { label: 'Open qty', keys: ['open_qty'] },
        { label: 'Visible qty', keys: ['visible_qty'] },
        { label: 'Priority seq', keys: ['priority'] },
        { label: 'Entered at seq', keys: ['entered_seq'] },
        record,
      ]),
    );
  }
  const taker = r.obj('taker');
  if (taker) {
    blocks.push(
      ...fieldsBlocks('Taker', taker, [
        { label: 'Order', keys: ['order_id'] },
        {
          label: 'Known to the replay',
          keys: ['known'],
          value: (o) => yesNo(o.known),
          mono: false,
        },
        { label: 'Account', keys: ['account_id'] },
        { label: 'Entity', keys: ['entity_id'] },
      ]),
    );
  }
  const blocking = r.rows('blocking_orders');
  if (blocking) {
    const note = shownNote(
      blocking.length,
      r.evidence.blocking_orders_count,
      'blocking orders',
      'the check keeps the first 10 by priority',
    );
    blocks.push(
      tableBlock(
        'Blocking protected orders, by priority',
        blocking,
        [
          { label: 'Order', keys: ['order_id'] },
          { label: 'Account', keys: ['account_id'] },
          { label: 'Price', keys: ['price'] },
          { label: 'Visible qty', keys: ['visible_qty'] },
          { label: 'Priority seq', keys: ['priority'] },
          record,
        ],
        note,
      ),
    );
  }
  const ev = r.evidence;
  const price = text(ev, 'price');
  blocks.push(
    ...r.fields('Totals', [
      {
        label: price === undefined ? 'Protected visible qty at the price' : `Protected visible qty at ${price}`,
        keys: ['protected_visible_qty_at_price', 'price'],
        value: (o) => text(o, 'protected_visible_qty_at_price'),
      },
      { label: 'Protected visible qty at better prices', keys: ['protected_visible_qty_at_better_prices'] },
      { label: 'Better price levels', keys: ['better_price_levels'] },
      { label: 'Blocking orders', keys: ['blocking_orders_count'] },
      {
        label: 'A blocking order had earlier priority',
        keys: ['earlier_priority_than_mm'],
        value: (o) => yesNo(o.earlier_priority_than_mm),
        mono: false,
      },
    ]),
  );
  return [...blocks, ...r.rest()];
}
