/**
 * FS-1..FS-7 evidence (shared/checks/fs/) as an auditor reads it: who acted (user, entity, function), through which
 * session or source IP, with the counts on each side and the record at which the breach first showed.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { EvidenceBlock } from '../evidenceView.js';
import { genericBlocks } from './generic.js';
import {
  type ColumnSpec,
  type FieldSpec,
  fieldsBlocks,
  fileLine,
  type Obj,
  Reading,
  tableBlock,
  text,
  yesNo,
} from './read.js';

const record: FieldSpec = { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) };

const WHO: readonly FieldSpec[] = [
  { label: 'User', keys: ['user_id'] },
  { label: 'In the staff register', keys: ['user_in_staff'], value: (o) => yesNo(o.user_in_staff), mono: false },
  { label: "User's entity", keys: ['user_entity_id'] },
  { label: "User's function", keys: ['user_function'], mono: false },
];

const ORDER: readonly FieldSpec[] = [
  { label: 'Order', keys: ['order_id'] },
  { label: 'Event', keys: ['event'], mono: false },
  { label: 'Seq', keys: ['seq'] },
  { label: 'Account', keys: ['account_id'] },
  { label: 'Account role', keys: ['account_role'], mono: false },
  { label: "Account's entity", keys: ['account_entity_id'] },
  record,
];

const FIRST_SHARED: readonly FieldSpec[] = [
  { label: 'Stream', keys: ['stream'], mono: false },
  { label: 'Order / event', keys: ['order_id', 'id'], value: (o) => text(o, 'order_id') ?? text(o, 'id') },
  { label: 'User', keys: ['user_id'] },
  { label: 'Account', keys: ['account_id'] },
  { label: 'Symbol', keys: ['symbol'] },
  { label: 'Event', keys: ['event'], mono: false },
  { label: 'Seq', keys: ['seq'] },
  { label: 'Time', keys: ['ts'] },
  record,
];

const list = (v: unknown): string | undefined => (Array.isArray(v) ? v.join(', ') || '—' : undefined);

export function fsEvidence(finding: FindingDraft): EvidenceBlock[] {
  const r = new Reading(finding.evidence);
  switch (finding.check_id) {
    case 'FS-1':
    case 'FS-2':
      return [
        ...r.fields('Who entered it', WHO),
        ...r.fields('Where from', [
          { label: 'Session', keys: ['session_id'] },
          { label: 'Source IP', keys: ['source_ip'] },
        ]),
        ...r.fields('Order event', ORDER),
        ...r.rest(),
      ];
    case 'FS-3':
      return sharedSession(r);
    case 'FS-4':
      return [
        ...r.fields('Who', WHO),
        ...r.fields('Access', [
          { label: 'Event', keys: ['event_id'] },
          { label: 'Resource', keys: ['resource'] },
          { label: 'Classification', keys: ['classification'], mono: false },
          { label: 'Action', keys: ['action'] },
          { label: 'Granted', keys: ['granted'], value: (o) => yesNo(o.granted), mono: false },
          { label: 'Source IP', keys: ['source_ip'] },
          { label: 'Seq', keys: ['seq'] },
          record,
        ]),
        ...r.rest(),
      ];
    case 'FS-5':
      return sharedIp(r);
    case 'FS-6':
      return proprietaryTrading(r);
    case 'FS-7':
      return [
        ...r.fields('Staff member', [
          { label: 'User', keys: ['user_id'] },
          { label: 'Employed by', keys: ['entity_id'] },
          { label: 'Function', keys: ['function'], mono: false },
        ]),
        ...r.rest(),
      ];
    default:
      return genericBlocks(finding.evidence);
  }
}

function sharedSession(r: Reading): EvidenceBlock[] {
  const blocks = r.fields('Session', [{ label: 'Session', keys: ['session_id'] }]);
  const sides: Obj[] = [];
  const mm = r.obj('affiliated_mm');
  if (mm) sides.push({ side: 'affiliated MM accounts', ...mm });
  const other = r.obj('other');
  if (other) sides.push({ side: 'other accounts', ...other });
  if (sides.length > 0) {
    blocks.push(
      tableBlock('Order events the session carried, by side', sides, [
        { label: 'Side', keys: ['side'], mono: false },
        { label: 'Order events', keys: ['order_events'] },
        {
          label: 'Accounts (first 10)',
          keys: ['first_account_ids', 'first_accounts'],
          value: (o) =>
            list(o.first_account_ids) ??
            (Array.isArray(o.first_accounts)
              ? (o.first_accounts as Obj[]).map((a) => `${a.account_id} (${a.role})`).join(', ')
              : undefined),
        },
        { label: 'Orders (first 10)', keys: ['first_order_ids'], value: (o) => list(o.first_order_ids) },
      ]),
    );
  }
  const first = r.obj('first_shared_at');
  if (first) blocks.push(...fieldsBlocks('First shared at', first, FIRST_SHARED));
  return [...blocks, ...r.rest()];
}

const IP_SIDE: readonly ColumnSpec[] = [
  { label: 'Side', keys: ['side'], mono: false },
  { label: 'Staff (first 10)', keys: ['user_ids'], value: (o) => list(o.user_ids) },
  { label: 'Order events', keys: ['order_events'] },
  { label: 'Access events', keys: ['access_events'] },
  { label: 'Orders (first 10)', keys: ['first_order_ids'], value: (o) => list(o.first_order_ids) },
  { label: 'Access events (first 10)', keys: ['first_access_event_ids'], value: (o) => list(o.first_access_event_ids) },
];

function sharedIp(r: Reading): EvidenceBlock[] {
  const blocks = r.fields('Source IP', [
    { label: 'Source IP', keys: ['source_ip'] },
    { label: 'Operator entity', keys: ['operator_entity_id'] },
    {
      label: 'Access log used',
      keys: ['access_log_included'],
      value: (o) => yesNo(o.access_log_included),
      mono: false,
    },
  ]);
  const sides: Obj[] = [];
  const mm = r.obj('mm_entity_staff');
  if (mm) sides.push({ side: 'MM-entity staff', ...mm });
  const op = r.obj('operator_staff');
  if (op) sides.push({ side: 'operator staff', ...op });
  if (sides.length > 0) blocks.push(tableBlock('Uses of the IP, by side', sides, IP_SIDE));
  const first = r.obj('first_shared_at');
  if (first) blocks.push(...fieldsBlocks('First shared at', first, FIRST_SHARED));
  return [...blocks, ...r.rest()];
}

const ORDER_MARK: readonly ColumnSpec[] = [
  { label: 'Which', keys: ['which'], mono: false },
  { label: 'Order', keys: ['order_id'] },
  { label: 'Symbol', keys: ['symbol'] },
  { label: 'Event', keys: ['event'], mono: false },
  { label: 'Seq', keys: ['seq'] },
  { label: 'Time', keys: ['ts'] },
  { label: 'Record', keys: ['file', 'line'], value: (o) => fileLine(o) },
];

function proprietaryTrading(r: Reading): EvidenceBlock[] {
  const blocks = r.fields('Platform account', [
    { label: 'Account', keys: ['account_id'] },
    { label: "Account's entity", keys: ['account_entity_id'] },
    { label: 'Operator entity', keys: ['operator_entity_id'] },
    { label: 'Orders placed', keys: ['orders'] },
  ]);
  const symbols = r.rows('symbols');
  if (symbols && symbols.length > 0) {
    blocks.push(
      tableBlock('Orders per symbol', symbols, [
        { label: 'Symbol', keys: ['symbol'] },
        { label: 'Orders', keys: ['orders'] },
      ]),
    );
  }
  const marks: Obj[] = [];
  const first = r.obj('first_order');
  if (first) marks.push({ which: 'first', ...first });
  const last = r.obj('last_order');
  if (last) marks.push({ which: 'last', ...last });
  if (marks.length > 0) blocks.push(tableBlock('First and last order', marks, ORDER_MARK));
  return [...blocks, ...r.rest()];
}
