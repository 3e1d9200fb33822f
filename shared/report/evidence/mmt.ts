/**
 * MMT-1..MMT-4 evidence (shared/checks/mmt/) as an auditor reads it: the order's tag timeline (what it was entered
 * with, what each judged event carried) with the account's role, or for MMT-4 the tags of both orders at the trade.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { scalarText } from './generic.js';
import { type ColumnSpec, fileLine, type Obj, Reading, tableBlock, text, yesNo } from './read.js';

const tag = (v: unknown): string => (v === true ? 'true' : v === false ? 'false' : scalarText(v));

const TIMELINE: readonly ColumnSpec[] = [
  { label: 'Event', keys: ['event'], mono: false },
  { label: 'Seq', keys: ['seq'] },
  { label: 'Time', keys: ['ts'] },
  { label: 'mm_tag', keys: ['mm_tag'], value: (o) => (o.mm_tag === undefined ? undefined : tag(o.mm_tag)) },
  { label: 'User', keys: ['user_id'] },
  { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
];

export function mmtEvidence(finding: FindingDraft): EvidenceBlock[] {
  const r = new Reading(finding.evidence);
  const ev = r.evidence;
  if (r.obj('maker') !== undefined || r.obj('taker') !== undefined) return tradeTags(r);
  const blocks: EvidenceBlock[] = [];
  blocks.push(
    ...r.fields('Order', [
      { label: 'Order', keys: ['order_id'] },
      { label: 'Account', keys: ['account_id'] },
      { label: 'Account role', keys: ['account_role'], mono: false },
    ]),
  );
  const keys = ['event', 'seq', 'ts', 'mm_tag', 'user_id', 'file', 'line'];
  if (keys.some((k) => ev[k] !== undefined)) {
    const rows: Obj[] = [];
    if (ev.mm_tag_before !== undefined) {
      rows.push({ event: 'before this amend (as entered)', mm_tag: ev.mm_tag_before });
      r.take('mm_tag_before');
    }
    const judged: Obj = {};
    for (const k of keys) if (ev[k] !== undefined) judged[k] = ev[k];
    if (ev.mm_tag_after !== undefined && judged.mm_tag === undefined) judged.mm_tag = ev.mm_tag_after;
    rows.push(judged);
    r.take(...keys);
    if (ev.mm_tag_after !== undefined && judged.mm_tag === ev.mm_tag_after) r.take('mm_tag_after');
    blocks.push(tableBlock('Tag timeline of the order', rows, TIMELINE));
  }
  return [...blocks, ...r.rest()];
}

/** MMT-4: the trade report's tags against the orders' own. */
function tradeTags(r: Reading): EvidenceBlock[] {
  const blocks: EvidenceBlock[] = [
    ...r.fields('Trade', [
      { label: 'Trade', keys: ['trade_id'] },
      { label: 'Seq', keys: ['seq'] },
      { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
    ]),
  ];
  const sides: Obj[] = [];
  for (const side of ['maker', 'taker'] as const) {
    const o = r.obj(side);
    if (o !== undefined) sides.push({ side, ...o });
  }
  blocks.push(
    tableBlock('Tags at the trade', sides, [
      { label: 'Side', keys: ['side'], mono: false },
      { label: 'Order', keys: ['order_id'] },
      { label: 'Known to the replay', keys: ['known'], value: (o) => yesNo(o.known), mono: false },
      { label: 'Account', keys: ['account_id'] },
      { label: "Order's mm_tag", keys: ['order_mm_tag'], value: (o) => text(o, 'order_mm_tag') },
      { label: "Trade report's mm_tag", keys: ['trade_mm_tag'], value: (o) => text(o, 'trade_mm_tag') },
      {
        label: 'Agree',
        keys: [],
        value: (o) =>
          o.known === false || o.order_mm_tag === undefined || o.order_mm_tag === null
            ? 'not known'
            : o.order_mm_tag === o.trade_mm_tag
              ? 'yes'
              : 'NO',
        mono: false,
      },
    ]),
  );
  return [...blocks, ...r.rest()];
}
