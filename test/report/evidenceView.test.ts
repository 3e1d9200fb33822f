import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '#shared/contract/finding.js';
import { evidenceView, genericEvidence } from '#shared/report/evidenceView.js';

const draft = (evidence: Record<string, unknown>): FindingDraft => ({
  check_id: 'ZZ-1',
  severity: 'high',
  subject: 's-1',
  title: 't',
  detail: 'd',
  evidence,
});

describe('generic evidence reading', () => {
  it('shows scalars as fields, arrays of objects as tables, nested objects as their own fields', () => {
    const blocks = genericEvidence(
      draft({
        trade_id: 't-1',
        qty: '0.5',
        note: null,
        maker: { order_id: 'o-1', price: '97000.1' },
        blocking: [
          { order_id: 'o-2', price: '97000.10' },
          { order_id: 'o-3', account_id: 'C-2' },
        ],
      }),
    );
    expect(blocks).toEqual([
      {
        kind: 'fields',
        title: undefined,
        fields: [
          { label: 'trade id', value: 't-1', mono: true },
          { label: 'qty', value: '0.5', mono: true },
          { label: 'note', value: '—', mono: false },
        ],
      },
      {
        kind: 'fields',
        title: 'maker',
        fields: [
          { label: 'order id', value: 'o-1', mono: true },
          { label: 'price', value: '97000.1', mono: true },
        ],
      },
      {
        kind: 'table',
        title: 'blocking',
        columns: ['order id', 'price', 'account id'],
        rows: [
          ['o-2', '97000.10', '—'],
          ['o-3', '—', 'C-2'],
        ],
        mono: [true, true, true],
        note: undefined,
      },
    ]);
  });

  it('caps a long table and says how many rows it left out', () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ order_id: `o-${i}` }));
    const [table] = genericEvidence(draft({ rows }));
    expect(table).toMatchObject({ kind: 'table', note: '20 of 25 rows shown' });
    expect(table?.kind === 'table' && table.rows.length).toBe(20);
  });

  it('is what evidenceView gives for a check without a reader of its own', () => {
    const f = draft({ a: 1 });
    expect(evidenceView(f)).toEqual(genericEvidence(f));
  });
});
