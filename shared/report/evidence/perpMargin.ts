/**
 * PERP-3..PERP-7 evidence (shared/checks/perp/, the margin ledger) as an auditor reads it: the margin event; for PERP-3
 * the asset, its class and the accepted classes; for PERP-4 the balance before and after; for PERP-5 the deficit, what
 * covered it and by which events; for PERP-6 the insurance fund just before the adl against what was still uncovered;
 * for PERP-7 the published rate (or its absence), the recomputed amount and every reason.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { scalarText } from './generic.js';
import { fieldsBlocks, fileLine, type Obj, Reading, shownNote, tableBlock, text } from './read.js';

/** The margin record a finding is about (checks/perp/marginFindings.ts: the record's fields, file and line). */
function marginEventBlocks(r: Reading): EvidenceBlock[] {
  const event = r.obj('event');
  if (event === undefined) return [];
  return fieldsBlocks('Margin event', event, [
    { label: 'Event', keys: ['event_id'] },
    { label: 'Type', keys: ['event'], mono: false },
    { label: 'Seq', keys: ['seq'] },
    { label: 'Time', keys: ['ts'] },
    { label: 'Account', keys: ['account_id'] },
    { label: 'Symbol', keys: ['symbol'] },
    { label: 'Asset', keys: ['asset'] },
    { label: 'Asset class', keys: ['asset_class'], mono: false },
    { label: 'Amount', keys: ['amount'] },
    { label: 'Position qty', keys: ['position_qty'] },
    { label: 'Mark price', keys: ['mark_price'] },
    { label: 'Rate', keys: ['rate'] },
    { label: 'Interval start', keys: ['interval_start'] },
    { label: 'Covers liquidation', keys: ['ref'] },
    { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
  ]);
}

const list = (v: unknown): string | undefined => (Array.isArray(v) ? v.map(scalarText).join(', ') : undefined);

function depositClass(r: Reading): EvidenceBlock[] {
  return r.fields('Margin posted', [
    { label: 'Asset', keys: ['asset'] },
    { label: 'Asset class', keys: ['asset_class'], mono: false },
    { label: 'Accepted classes', keys: ['perp_margin_classes'], value: (o) => list(o.perp_margin_classes) },
  ]);
}

function marginBalance(r: Reading): EvidenceBlock[] {
  return r.fields('Margin balance of the account', [
    { label: 'Why', keys: ['reason'], mono: false },
    { label: 'Balance before', keys: ['balance_before'] },
    { label: 'Balance after', keys: ['balance_after'] },
  ]);
}

function deficitCoverage(r: Reading): EvidenceBlock[] {
  const blocks = r.fields('Deficit and coverage by the end of the margin ledger', [
    { label: 'Balance after the liquidation', keys: ['balance_after'] },
    { label: 'Deficit', keys: ['deficit'] },
    { label: 'Covered', keys: ['covered'] },
    { label: 'Not covered', keys: ['uncovered'] },
    { label: 'Covering events', keys: ['cover_count'] },
  ]);
  const covers = r.rows('covers');
  if (covers === undefined) return blocks;
  if (covers.length === 0) {
    blocks.push({ kind: 'text', text: 'No insurance payout or adl named this liquidation.' });
    return blocks;
  }
  const note = shownNote(covers.length, r.evidence.cover_count, 'covering events', 'the check keeps the first 50');
  blocks.push(
    tableBlock(
      'Events that covered it, in ledger order',
      covers,
      [
        { label: 'Event', keys: ['event_id'] },
        {
          label: 'Kind',
          keys: ['event'],
          value: (o) => (o.event === 'insurance' ? 'insurance payout' : text(o, 'event')),
          mono: false,
        },
        { label: 'Amount covered', keys: ['amount'] },
        { label: 'Account', keys: ['account_id'] },
        { label: 'Seq', keys: ['seq'] },
        { label: 'Time', keys: ['ts'] },
      ],
      note,
    ),
  );
  return blocks;
}

function waterfall(r: Reading): EvidenceBlock[] {
  const blocks = r.fields('Loss waterfall just before the adl', [
    { label: 'Insurance fund', keys: ['insurance_fund_before'] },
    { label: 'Still uncovered', keys: ['uncovered_before'] },
  ]);
  const liquidation = r.obj('liquidation');
  if (liquidation !== undefined) {
    blocks.push(
      ...fieldsBlocks('Liquidation it covers', liquidation, [
        { label: 'Liquidation', keys: ['event_id'] },
        { label: 'Seq', keys: ['seq'] },
        { label: 'Time', keys: ['ts'] },
        { label: 'Account', keys: ['account_id'] },
        { label: 'Symbol', keys: ['symbol'] },
        { label: 'Deficit', keys: ['deficit'] },
        { label: 'Covered before the adl', keys: ['covered_before'] },
      ]),
    );
  }
  return blocks;
}

function fundingJudgement(r: Reading): EvidenceBlock[] {
  const blocks: EvidenceBlock[] = [];
  const reasons = r.evidence.reasons;
  if (Array.isArray(reasons)) {
    r.take('reasons');
    blocks.push(
      tableBlock(
        'Why',
        reasons.map((reason) => ({ reason })),
        [{ label: 'Reason', keys: ['reason'], mono: false }],
      ),
    );
  }
  const published = r.evidence.published_rate;
  if (published === null) {
    r.take('published_rate');
    blocks.push(...r.fields('Rate', [{ label: 'Rate applied', keys: ['rate'] }]), {
      kind: 'text',
      text: 'No funding rate was published for this symbol and interval at a lower seq.',
    });
  } else {
    const p: Obj = r.obj('published_rate') ?? {};
    blocks.push(
      ...r.fields('Rate', [
        { label: 'Rate applied', keys: ['rate'] },
        { label: 'Published rate', keys: [], value: () => text(p, 'rate') },
        { label: 'Published by', keys: [], value: () => text(p, 'event_id') },
        { label: 'Published at seq', keys: [], value: () => text(p, 'seq') },
        { label: 'Published at', keys: [], value: () => text(p, 'ts') },
      ]),
    );
  }
  blocks.push(
    ...r.fields('Amount', [
      { label: 'Amount paid (−) or received (+)', keys: ['amount'] },
      { label: 'Expected (rounded)', keys: ['expected_amount'] },
      { label: '−position qty × mark price × rate', keys: ['unrounded_amount'] },
      { label: 'Decimal places (half away from zero)', keys: ['funding_decimals'] },
    ]),
  );
  return blocks;
}

const READINGS: Record<string, (r: Reading) => EvidenceBlock[]> = {
  'PERP-3': depositClass,
  'PERP-4': marginBalance,
  'PERP-5': deficitCoverage,
  'PERP-6': waterfall,
  'PERP-7': fundingJudgement,
};

/** The reading of a margin check's finding, or undefined for another check. */
export function perpMarginEvidence(finding: FindingDraft): EvidenceBlock[] | undefined {
  const reading = READINGS[finding.check_id];
  if (reading === undefined) return undefined;
  const r = new Reading(finding.evidence);
  return [...marginEventBlocks(r), ...reading(r), ...r.rest()];
}
