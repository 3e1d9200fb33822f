/**
 * MF-1..MF-7 evidence (shared/checks/mf/, shared/collateral/lendingValue.ts) as an auditor reads it: the collateral
 * event, the loan with its outstanding amount and lending value, its lots (asset, qty, haircut, lending value), for
 * MF-5 / MF-6 the events the window is measured between, and for MF-7 the asset's longest gap without a price and
 * the loans holding it then.
 */
import type { FindingDraft } from '../../contract/finding.js';
import { durationText } from '../../contract/time.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { collateralEventBlocks } from './collateralEvent.js';
import {
  type ColumnSpec,
  type FieldSpec,
  fieldsBlocks,
  type Obj,
  obj,
  Reading,
  shownNote,
  tableBlock,
  text,
  yesNo,
} from './read.js';

const LOTS: readonly ColumnSpec[] = [
  { label: 'Pledge', keys: ['pledge_event_id'] },
  { label: 'Asset', keys: ['asset'] },
  { label: 'Class', keys: ['asset_class'], mono: false },
  { label: 'Qty', keys: ['qty'] },
  { label: 'Haircut', keys: ['haircut'] },
  { label: 'Applied haircut', keys: ['applied_haircut'] },
  { label: 'Price', keys: ['price'] },
  { label: 'Price from', keys: ['price_event_id'] },
  { label: 'Lending value', keys: ['value'] },
];

export function mfEvidence(finding: FindingDraft): EvidenceBlock[] {
  const r = new Reading(finding.evidence);
  const blocks = collateralEventBlocks(r);
  switch (finding.check_id) {
    case 'MF-1':
      blocks.push(
        ...r.fields('Collateral', [
          { label: 'Asset pledged', keys: ['asset'] },
          {
            label: 'Eligible assets',
            keys: ['eligible_va_collateral'],
            value: (o) => (Array.isArray(o.eligible_va_collateral) ? o.eligible_va_collateral.join(', ') : undefined),
          },
          { label: 'Loan', keys: ['loan_id'] },
          { label: 'Latest price before', keys: ['latest_price_before'] },
        ]),
      );
      break;
    case 'MF-2':
      blocks.push(
        ...r.fields('Haircut', [
          { label: 'Haircut recorded', keys: ['haircut'] },
          { label: 'Floor', keys: ['haircut_floor'] },
          { label: 'Loan', keys: ['loan_id'] },
          { label: 'Loan outstanding before', keys: ['loan_outstanding_before'] },
        ]),
      );
      break;
    case 'MF-3': {
      blocks.push(
        ...r.fields('Loan', [
          { label: 'Loan', keys: ['loan_id'] },
          { label: 'Account', keys: ['account_id'] },
          { label: 'Outstanding', keys: ['outstanding'] },
          { label: 'Lending value', keys: ['lending_value'] },
          { label: 'Excess', keys: ['excess'] },
          { label: 'Haircut floor', keys: ['haircut_floor'] },
          { label: 'Lots', keys: ['lot_count'] },
        ]),
      );
      const lots = r.rows('lots');
      if (lots) {
        const note = shownNote(lots.length, r.evidence.lot_count, 'lots', 'the check keeps the first 20');
        blocks.push(
          lots.length === 0
            ? { kind: 'text', text: 'The loan had no open collateral lots: its lending value is zero.' }
            : tableBlock('Collateral lots, oldest pledge first', lots, LOTS, note),
        );
      }
      break;
    }
    case 'MF-4': {
      const account = r.obj('account');
      if (account) {
        blocks.push(
          ...fieldsBlocks('Borrower', account, [
            { label: 'Account', keys: ['account_id'] },
            { label: 'In the accounts reference', keys: ['known'], value: (o) => yesNo(o.known), mono: false },
            {
              label: 'Securities margin client',
              keys: ['securities_margin_client'],
              value: (o) => yesNo(o.securities_margin_client),
              mono: false,
            },
          ]),
        );
      }
      blocks.push(...r.fields('Loan', [{ label: 'Loan', keys: ['loan_id'] }]));
      const lots = r.rows('virtual_asset_lots');
      if (lots && lots.length > 0) {
        blocks.push(
          tableBlock('Virtual-asset lots backing the loan', lots, [
            { label: 'Pledge', keys: ['pledge_event_id'] },
            { label: 'Asset', keys: ['asset'] },
            { label: 'Qty', keys: ['qty'] },
          ]),
        );
      }
      break;
    }
    case 'MF-5':
      blocks.push(...creditLimitWindow(r));
      break;
    case 'MF-6': {
      blocks.push(
        ...r.fields('Valuation', [
          { label: 'Asset', keys: ['asset'] },
          { label: 'Price', keys: ['price'] },
          { label: 'Margin call within', keys: ['margin_call_within'] },
          { label: 'Loans short after it', keys: ['loans_short_after_valuation'] },
          { label: 'Loans without a timely call', keys: ['loans_without_timely_call'] },
        ]),
      );
      const loans = r.rows('loans');
      if (loans && loans.length > 0) {
        const note = shownNote(
          loans.length,
          r.evidence.loans_without_timely_call,
          'loans',
          'the check keeps the first 50',
        );
        blocks.push(
          tableBlock(
            'Loans left short with no timely margin call',
            loans,
            [
              { label: 'Loan', keys: ['loan_id'] },
              { label: 'Account', keys: ['account_id'] },
              { label: 'Outstanding', keys: ['outstanding'] },
              { label: 'Lending value', keys: ['lending_value'] },
            ],
            note,
          ),
        );
      }
      break;
    }
    case 'MF-7':
      blocks.push(...unpricedCollateral(r));
      break;
  }
  return [...blocks, ...r.rest()];
}

/** MF-7: the asset and its window, the longest gap between its two ends, the loans that held the asset then. */
function unpricedCollateral(r: Reading): EvidenceBlock[] {
  const blocks = r.fields('Asset', [
    { label: 'Asset', keys: ['asset'] },
    { label: 'Maximum gap (valuation_max_gap)', keys: ['valuation_max_gap'] },
    { label: 'Gaps longer than that', keys: ['gaps_over_max'] },
    { label: 'Gaps measured while held', keys: ['gaps_measured'] },
    { label: 'Loans holding it at the longest gap', keys: ['loan_count'] },
  ]);
  const gap = r.obj('longest_gap');
  if (gap) {
    const ends = (['from', 'to'] as const).flatMap((k) => {
      const end = obj(gap[k]);
      return end === undefined ? [] : [{ which: k === 'from' ? 'last price observation' : 'measured at', ...end }];
    });
    // The ends go in a table; anything else the gap holds (an end of another shape included) is read as fields.
    const inTable = (k: string) => (k === 'from' || k === 'to') && obj(gap[k]) !== undefined;
    const others = Object.fromEntries(Object.entries(gap).filter(([k]) => !inTable(k)));
    blocks.push(...fieldsBlocks('The longest gap without a price', others, [durationField('Length', 'length_ns')]));
    if (ends.length > 0) {
      blocks.push(
        tableBlock('Its two ends', ends, [
          { label: 'End', keys: ['which'], mono: false },
          {
            label: 'Event',
            keys: ['event'],
            value: (o) => (o.event === null ? 'period end' : text(o, 'event')),
            mono: false,
          },
          { label: 'Event id', keys: ['event_id'] },
          { label: 'Seq', keys: ['seq'] },
          { label: 'Time', keys: ['ts'] },
        ]),
      );
    }
  }
  const loans = r.rows('loans');
  if (loans && loans.length > 0) {
    const note = shownNote(loans.length, r.evidence.loan_count, 'loans', 'the check keeps the first 50');
    blocks.push(
      tableBlock(
        'Loans holding the asset then',
        loans,
        [
          { label: 'Loan', keys: ['loan_id'] },
          { label: 'Account', keys: ['account_id'] },
          { label: 'Qty held', keys: ['qty'] },
        ],
        note,
      ),
    );
  }
  return blocks;
}

/** MF-5: the previous limit and the first VA pledge the 24 h window runs from. */
function creditLimitWindow(r: Reading): EvidenceBlock[] {
  const rows: Obj[] = [];
  const previous = r.obj('previous_credit_limit');
  if (previous) rows.push({ which: 'previous credit limit', ...previous });
  const pledge = r.obj('first_va_pledge');
  if (pledge) rows.push({ which: 'first virtual-asset pledge', ...pledge });
  const blocks: EvidenceBlock[] = r.fields('Credit limit', [
    { label: 'New limit', keys: ['amount'] },
    durationField('Time since the first VA pledge', 'elapsed_ns'),
  ]);
  if (rows.length > 0) {
    blocks.push(
      tableBlock('The events the window is measured between', rows, [
        { label: 'Which', keys: ['which'], mono: false },
        { label: 'Event', keys: ['event_id'] },
        { label: 'Seq', keys: ['seq'] },
        { label: 'Time', keys: ['ts'] },
        { label: 'Amount', keys: ['amount'] },
        { label: 'Asset', keys: ['asset'] },
        { label: 'Loan', keys: ['loan_id'] },
      ]),
    );
  }
  return blocks;
}

/** A length in nanoseconds as a field, read as `elapsed` reads it. */
function durationField(label: string, key: string): FieldSpec {
  return { label, keys: [key], value: (o) => (o[key] === undefined ? undefined : elapsed(text(o, key)!)) };
}

/** Nanoseconds as "3 h 12 min 5.000000001 s (11525000000001 ns)"; anything unreadable as written. */
function elapsed(ns: string): string {
  if (!/^-?\d+$/.test(ns)) return ns;
  return `${durationText(BigInt(ns))} (${ns} ns)`;
}
