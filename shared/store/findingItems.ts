/**
 * Reading finding items back: the finding (inline JSON or a verified blob) with its period and review state, and the
 * review state a finding has (its review item when there is one, else the copy on its current item, else open).
 */
import type { Finding } from '../contract/finding.js';
import type { Item, StoreContext } from './context.js';
import { StoreError, StoreIntegrityError } from './errors.js';
import type { BlobRef } from './evidenceBlobs.js';
import { canonicalFinding } from './findingJson.js';
import type { FindingStatus, HistoryEntry, StoredFinding } from './types.js';

/** Content from `content` (an occurrence or a current item), review state from `state` (the current item). */
export async function toStored(ctx: StoreContext, content: Item, state: Item | undefined): Promise<StoredFinding> {
  let finding: Finding;
  if (typeof content.finding_json === 'string') {
    finding = JSON.parse(content.finding_json) as Finding;
  } else if (content.finding_ref !== undefined) {
    if (ctx.blobs === undefined) {
      throw new StoreError(`finding ${String(content.finding_id)} is kept in the blob store, which is not configured`);
    }
    const bytes = await ctx.blobs.get(content.finding_ref as BlobRef);
    finding = JSON.parse(bytes.toString('utf8')) as Finding;
  } else {
    throw new StoreIntegrityError(`item ${String(content.pk)} ${String(content.sk)} holds no finding`);
  }
  if (finding.finding_id !== content.finding_id) {
    throw new StoreIntegrityError(`stored finding ${String(content.finding_id)} holds ${finding.finding_id}`);
  }
  return {
    ...canonicalFinding(finding),
    period_start: String(content.period_start),
    period_end: String(content.period_end),
    status: (state?.status as FindingStatus | undefined) ?? 'open',
    version: Number(state?.version ?? 0),
    history: ((state?.history as HistoryEntry[] | undefined) ?? []).map((h) => ({
      status: h.status,
      by: h.by,
      at: h.at,
      note: h.note ?? null,
    })),
    first_run_id: String(state?.first_run_id ?? finding.run_id),
    retired_by_run: (state?.retired_by_run as string | undefined) ?? null,
  };
}

/** Review state: the review item when there is one, else what the current item holds (open when nothing). */
export function reviewState(
  review: Item | undefined,
  current: Item | undefined,
): { status: FindingStatus; version: number; history: HistoryEntry[] } {
  const source = review ?? current;
  return {
    status: (source?.status as FindingStatus | undefined) ?? 'open',
    version: Number(source?.version ?? 0),
    history: (source?.history as HistoryEntry[] | undefined) ?? [],
  };
}

export function reviewVersion(review: Item | undefined): number {
  return review === undefined ? -1 : Number(review.version ?? 0);
}

/** The current item with the review item's state when that is newer than the copy it holds. */
export function withReview(current: Item, review: Item | undefined): Item {
  if (review === undefined || reviewVersion(review) <= Number(current.version ?? 0)) return current;
  return { ...current, status: review.status, version: review.version, history: review.history };
}
