/**
 * A finding's evidence as a reader sees it: a short list of blocks (labelled fields, tables, monospace values, plain
 * sentences) built from the structured evidence, never a cut JSON string. Pure: the PDF (templates/) and the web
 * workbench render the same blocks, so both surfaces say the same thing.
 *
 * Family readings (shared/report/evidence/<family>.ts) register in EVIDENCE_READERS by check id or family; any
 * evidence without one is read generically: scalars as fields, arrays of objects as tables, nested objects as their
 * own field lists. A reading that meets a shape it does not know reads those keys generically, and a reading that
 * throws is replaced by the generic reading: a finding's evidence is always shown.
 *
 * Every string in the blocks is printable: control characters and undecodable bytes read `\xNN`, lone surrogates and
 * invisible direction overrides `\uNNNN` (dataset text is untrusted and must not reorder or hide what is shown).
 */
import type { Finding, FindingDraft } from '../contract/finding.js';
import { cpEvidence } from './evidence/cp.js';
import { dqEvidence } from './evidence/dq.js';
import { fsEvidence } from './evidence/fs.js';
import { genericBlocks } from './evidence/generic.js';
import { mfEvidence } from './evidence/mf.js';
import { mmtEvidence } from './evidence/mmt.js';
import { nrhEvidence } from './evidence/nrh.js';
import { perpEvidence } from './evidence/perp.js';
import { sobEvidence } from './evidence/sob.js';

export { labelOf, scalarText } from './evidence/generic.js';

/** One labelled value. `mono`: an id, hash, timestamp or number shown in a fixed-width face, never broken inside. */
export interface EvidenceField {
  label: string;
  value: string;
  mono?: boolean;
}

export type EvidenceBlock =
  /** Labelled values, one a row. */
  | { kind: 'fields'; title?: string; fields: EvidenceField[] }
  /** A table: every row has one cell per column; `note` says what was left out (e.g. "10 of 37 shown"). */
  | { kind: 'table'; title: string; columns: string[]; rows: string[][]; mono?: boolean[]; note?: string }
  /** A sentence or two of plain text. */
  | { kind: 'text'; text: string }
  /** A long token (a digest, raw record text) shown whole in a monospace block that wraps at fixed widths. */
  | { kind: 'code'; label: string; value: string };

/** What a reader of one family gets: the finding (its check id, subject, severity, evidence). */
export type EvidenceReader = (finding: FindingDraft | Finding) => EvidenceBlock[];

/**
 * Readers by check id (`CP-1`) or family prefix (`CP`); the check id wins. Open: a family added later registers its
 * reader here (or with EVIDENCE_READERS.set) and every surface shows it.
 */
export const EVIDENCE_READERS = new Map<string, EvidenceReader>([
  ['CP', cpEvidence],
  ['MMT', mmtEvidence],
  ['FS', fsEvidence],
  ['NRH', nrhEvidence],
  ['MF', mfEvidence],
  ['PERP', perpEvidence],
  ['SOB', sobEvidence],
  ['DQ', dqEvidence],
]);

/** The subject of a finding that says a check failed to run (shared/checks/runner.ts): its evidence is the runner's. */
const RULE_ERROR = 'rule-error';

export function evidenceView(finding: FindingDraft | Finding): EvidenceBlock[] {
  const family = finding.check_id.split('-')[0] ?? finding.check_id;
  const reader =
    finding.subject === RULE_ERROR
      ? genericEvidence
      : (EVIDENCE_READERS.get(finding.check_id) ?? EVIDENCE_READERS.get(family) ?? genericEvidence);
  let blocks: EvidenceBlock[];
  try {
    blocks = reader(finding);
  } catch {
    blocks = genericEvidence(finding);
  }
  return blocks.map(printableBlock);
}

/** Any evidence object read without family knowledge. */
export function genericEvidence(finding: FindingDraft | Finding): EvidenceBlock[] {
  return genericBlocks(finding.evidence);
}

/**
 * Text as it can be shown: C0/C1 control characters and DEL as `\xNN`; lone surrogates, line/paragraph separators and
 * bidirectional controls as `\uNNNN`. Everything else, including a literal backslash, is kept.
 */
export function printable(text: string): string {
  return UNPRINTABLE.test(text) ? text.replace(UNPRINTABLE_ALL, escapeChar) : text;
}

const UNPRINTABLE_SOURCE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNPRINTABLE = new RegExp(UNPRINTABLE_SOURCE);
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE_SOURCE, 'g');

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function printableBlock(b: EvidenceBlock): EvidenceBlock {
  switch (b.kind) {
    case 'fields':
      return {
        ...b,
        title: b.title === undefined ? undefined : printable(b.title),
        fields: b.fields.map((f) => ({ ...f, label: printable(f.label), value: printable(f.value) })),
      };
    case 'table':
      return {
        ...b,
        title: printable(b.title),
        columns: b.columns.map(printable),
        rows: b.rows.map((r) => r.map(printable)),
      };
    case 'text':
      return { kind: 'text', text: printable(b.text) };
    case 'code':
      return { kind: 'code', label: printable(b.label), value: printable(b.value) };
  }
}
