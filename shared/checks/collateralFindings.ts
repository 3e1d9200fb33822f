/**
 * What the collateral checks (NRH, MF) share: a finding about one ledger event (the margin checks' too), evidence of
 * events and wallets, and a population counter that states an empty population. Each check reads the CollateralLedger
 * it is given; the rule pack says whether it sees an event before or after the ledger applies it.
 */

import type { Located } from '../contract/events.js';
import type { FindingDraft } from '../contract/finding.js';
import type { Wallet } from '../contract/records.js';
import { checkMeta } from './catalogue.js';
import type { RuleContext } from './rule.js';

/** A ledger record a finding can be about (a collateral or margin event). */
export interface LedgerRecord {
  event_id: string;
  seq: number;
  ts: string;
  account_id?: string | null;
  symbol?: string | null;
}

/** A finding about one ledger event: subject its event_id, located at its seq and ts, with its account and symbol. */
export function eventFinding(
  checkId: string,
  item: Located<LedgerRecord>,
  detail: string,
  evidence: Record<string, unknown>,
  severity?: FindingDraft['severity'],
): FindingDraft {
  const meta = checkMeta(checkId);
  const rec = item.rec;
  return {
    check_id: checkId,
    severity: severity ?? meta.severity,
    subject: rec.event_id,
    symbol: rec.symbol ?? null,
    account_id: rec.account_id ?? null,
    seq: rec.seq,
    ts: rec.ts,
    title: meta.title,
    detail,
    evidence: { event: eventEvidence(item), ...evidence },
  };
}

/** The triggering record as evidence: ids, file and line, and the fields it carries (any ledger's record). */
export function eventEvidence(item: Located<LedgerRecord>): Record<string, unknown> {
  const out: Record<string, unknown> = { file: item.file, line: item.line };
  for (const [k, v] of Object.entries(item.rec)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

/** A wallet as evidence: its reference record, or a note that it is absent from the reference data. */
export function walletEvidence(walletId: string, wallet: Wallet | undefined): Record<string, unknown> {
  return wallet === undefined
    ? { wallet_id: walletId, known: false }
    : { wallet_id: walletId, known: true, kind: wallet.kind, owner_entity_id: wallet.owner_entity_id };
}

/** How a wallet reads in a finding's detail. */
export function walletText(walletId: string, wallet: Wallet | undefined): string {
  return wallet === undefined
    ? `wallet ${walletId} (absent from the wallets reference data)`
    : `${wallet.kind} wallet ${walletId}`;
}

/** Reason used when a needed wallet is unknown (DQ-5 reports the unknown id itself). */
export const UNKNOWN_WALLET = 'wallet absent from the wallets reference data (see DQ-5)';

/**
 * Counts examined records per check and, at finish, states an empty population as a reason, so that a check with
 * no data reads "not tested" rather than "passed".
 */
export class Population {
  #examined = 0;
  #notTested = 0;
  constructor(
    private readonly checkId: string,
    private readonly emptyReason: string,
  ) {}

  examined(ctx: RuleContext): void {
    this.#examined++;
    ctx.sink.examined(this.checkId);
  }

  notTested(ctx: RuleContext, reason: string): void {
    this.#notTested++;
    ctx.sink.notTested(this.checkId, reason);
  }

  finish(ctx: RuleContext): void {
    if (this.#examined === 0 && this.#notTested === 0) ctx.sink.notTested(this.checkId, this.emptyReason, 0);
  }
}
