/** Reading a finding's evidence blocks in tests: a block by title, a field's value, all the text a reading shows. */
import { isPlainObject } from '#shared/report/evidence/generic.js';
import type { EvidenceBlock } from '#shared/report/evidenceView.js';

export const table = (blocks: EvidenceBlock[], title: RegExp) =>
  blocks.find((b): b is Extract<EvidenceBlock, { kind: 'table' }> => b.kind === 'table' && title.test(b.title));
export const fields = (blocks: EvidenceBlock[], title: string) =>
  blocks.find((b): b is Extract<EvidenceBlock, { kind: 'fields' }> => b.kind === 'fields' && b.title === title);
export const value = (blocks: EvidenceBlock[], title: string, label: string) =>
  fields(blocks, title)?.fields.find((f) => f.label === label)?.value;

/** Every string a reading shows. */
export const shown = (blocks: EvidenceBlock[]): string =>
  blocks
    .flatMap((b) =>
      b.kind === 'fields'
        ? b.fields.flatMap((f) => [f.label, f.value])
        : b.kind === 'table'
          ? [...b.columns, ...b.rows.flat(), b.note ?? '']
          : b.kind === 'text'
            ? [b.text]
            : [b.value],
    )
    .join('\n');

/** Every scalar leaf of the evidence (lists capped as the generic reading caps them). */
export function leaves(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v.slice(0, 20)) leaves(x, out);
  else if (isPlainObject(v)) for (const x of Object.values(v)) leaves(x, out);
  else if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
  return out;
}
