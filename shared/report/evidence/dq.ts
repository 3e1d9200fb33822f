/**
 * DQ-1..DQ-6 evidence (shared/ingest/quarantine.ts, shared/ordering/sequenceTracker.ts, shared/checks/dq/) as an
 * auditor reads it: where (`file:line`), the reason in plain words, the raw record text whole in a monospace block, and
 * for sequences and references the records involved.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { scalarText } from './generic.js';
import {
  type ColumnSpec,
  fieldsBlocks,
  fileLine,
  type Obj,
  Reading,
  shownNote,
  tableBlock,
  text,
  yesNo,
} from './read.js';

const RECORD: ColumnSpec = { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) };

/** DQ-5: the roles whose ids are records of a folder, not its keys (contract 2), say which records. */
const LOOKED_UP_IN: Record<string, string> = {
  routed_order: 'its routed orders',
  liquidation: 'its liquidations at a lower seq',
};

function lookedUpIn(role: unknown, folder: unknown): string | undefined {
  if (folder === undefined) return undefined;
  const which = typeof role === 'string' ? LOOKED_UP_IN[role] : undefined;
  return which === undefined ? scalarText(folder) : `${scalarText(folder)} (${which})`;
}

export function dqEvidence(finding: FindingDraft): EvidenceBlock[] {
  const r = new Reading(finding.evidence);
  const ev = r.evidence;
  const blocks: EvidenceBlock[] = [];
  switch (finding.check_id) {
    case 'DQ-1': {
      blocks.push(
        ...r.fields('Where', [
          { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
          { label: 'Record type', keys: ['record_type'], mono: false },
          {
            label: 'Scope',
            keys: ['scope'],
            value: (o) =>
              o.scope === 'file'
                ? 'the file could not be read from this line on'
                : o.scope === 'record'
                  ? 'this record'
                  : text(o, 'scope'),
            mono: false,
          },
        ]),
      );
      if (typeof ev.reason === 'string') {
        r.take('reason');
        blocks.push({ kind: 'text', text: `Reason: ${ev.reason}.` });
      }
      if (typeof ev.raw === 'string') {
        r.take('raw');
        blocks.push({ kind: 'code', label: 'Raw record text', value: ev.raw === '' ? '(empty)' : ev.raw });
      }
      break;
    }
    case 'DQ-2': {
      blocks.push(
        ...r.fields('Sequence number', [
          { label: 'Sequence', keys: ['stream'] },
          { label: 'Seq', keys: ['seq'] },
          { label: 'Records carrying it', keys: ['occurrences'] },
        ]),
      );
      const records = r.rows('records');
      if (records && records.length > 0) {
        const note = shownNote(records.length, ev.occurrences, 'records', 'the check keeps the first 10');
        blocks.push(tableBlock('Records with this seq', records, [RECORD, { label: 'Time', keys: ['ts'] }], note));
      }
      break;
    }
    case 'DQ-3': {
      blocks.push(
        ...r.fields('Trade', [
          { label: 'Trade', keys: ['trade_id'] },
          { label: 'Seq', keys: ['seq'] },
          { label: 'Symbol', keys: ['symbol'] },
          { label: 'Price', keys: ['price'] },
          { label: 'Qty', keys: ['qty'] },
          { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
        ]),
      );
      if (Array.isArray(ev.reasons)) {
        r.take('reasons');
        blocks.push({ kind: 'text', text: `Why it does not match: ${ev.reasons.map(scalarText).join('; ')}.` });
      }
      const sides: Obj[] = [];
      for (const side of ['maker', 'taker'] as const) {
        const o = r.obj(side);
        if (o) sides.push({ side, ...o });
      }
      if (sides.length > 0) {
        blocks.push(
          tableBlock('Orders of the trade, as the replay knew them', sides, [
            { label: 'Side', keys: ['side'], mono: false },
            { label: 'Order', keys: ['order_id'] },
            { label: 'Known', keys: ['known'], value: (o) => yesNo(o.known), mono: false },
            { label: 'Symbol', keys: ['symbol'] },
            { label: 'Account', keys: ['account_id'] },
            { label: 'Price', keys: ['price'] },
            { label: 'State', keys: ['state'], mono: false },
            { label: 'Open qty', keys: ['open_qty'] },
            { label: 'Closed at seq', keys: ['closed_seq'] },
          ]),
        );
      }
      break;
    }
    case 'DQ-4': {
      blocks.push(
        ...r.fields('Gap', [
          { label: 'Sequence', keys: ['stream'] },
          { label: 'Missing from', keys: ['from'] },
          { label: 'to', keys: ['to'] },
          { label: 'Missing', keys: ['missing'] },
        ]),
      );
      const ends: Obj[] = [];
      const before = r.obj('before');
      if (before) ends.push({ which: 'last record before the gap', ...before });
      const after = r.obj('after');
      if (after) ends.push({ which: 'first record after the gap', ...after });
      if (ends.length > 0) {
        blocks.push(
          tableBlock('Records around the gap', ends, [
            { label: 'Which', keys: ['which'], mono: false },
            { label: 'Seq', keys: ['seq'] },
            RECORD,
          ]),
        );
      }
      break;
    }
    case 'DQ-5': {
      blocks.push(...r.fields('Unknown id', [{ label: 'Id', keys: ['id'] }]));
      const roles = r.obj('roles');
      if (roles) {
        const rows: Obj[] = Object.entries(roles).map(([role, v]) => {
          const o: Obj = typeof v === 'object' && v !== null ? (v as Obj) : { value: v };
          const first: Obj =
            typeof o.first_reference === 'object' && o.first_reference !== null ? (o.first_reference as Obj) : {};
          const { first_reference: _f, ...restOfRole } = o;
          return {
            role,
            ...restOfRole,
            ...Object.fromEntries(Object.entries(first).map(([k, x]) => [`first_${k}`, x])),
          };
        });
        blocks.push(
          tableBlock('References to it, by role', rows, [
            { label: 'Used as', keys: ['role'], mono: false },
            { label: 'Reference folder', keys: ['folder'], value: (o) => lookedUpIn(o.role, o.folder) },
            { label: 'References', keys: ['count'] },
            {
              label: 'First reference',
              keys: ['first_file', 'first_line'],
              value: (o) => fileLine(o, 'first_file', 'first_line'),
            },
            { label: 'Field', keys: ['first_field'] },
            { label: 'Seq', keys: ['first_seq'] },
            { label: 'Time', keys: ['first_ts'] },
          ]),
        );
      }
      r.take('first_role');
      break;
    }
    case 'DQ-6':
      blocks.push(
        ...r.fields('Order event', [
          { label: 'Order', keys: ['order_id'] },
          { label: 'Event', keys: ['event'], mono: false },
          { label: 'Seq', keys: ['seq'] },
          { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
          { label: 'Issue', keys: ['issue'], mono: false },
          { label: 'Order state', keys: ['order_state'], mono: false },
          { label: 'Closed by', keys: ['closed_by'], mono: false },
          { label: 'Closed at seq', keys: ['closed_seq'] },
        ]),
      );
      break;
    default:
      return fieldsBlocks(undefined, ev, []);
  }
  return [...blocks, ...r.rest()];
}
