/**
 * The rules of one run (or of one step of a distributed run): a selection of the pack, each declared rule created once
 * with fresh state and bound to the stream replays it reads, sharing one context. The auditors hand them the events
 * of each stream through the fail-closed dispatcher; the set calls every rule's onReference when it is built and every
 * rule's finish once, after the last stream.
 */
import { RuleHooks } from '../checks/dispatch.js';
import { type ReplayStream, type RuleDeclaration, STREAM_REPLAYS, type StreamReplays } from '../checks/pack.js';
import { type HookName, type Rule, type RuleContext, ruleContext } from '../checks/rule.js';
import type { AuditParameters } from '../config/parameters.js';
import type { AuditSink } from '../contract/finding.js';
import type { ReferenceData } from '../reference/referenceData.js';
import { CheckpointError } from './errors.js';

/** What every rule of a run reads and reports to. */
export interface AuditBase {
  ref: ReferenceData;
  params: AuditParameters;
  sink: AuditSink;
}

export interface RuleSetOptions {
  /** Replays to build even if no selected rule reads them (the order-flow auditor always replays the book). */
  replays?: readonly ReplayStream[];
  /** Rules that are not in the pack (a step's event recorder, a test's probe), after the declared ones. */
  extra?: readonly Rule[];
}

export class RuleSet {
  readonly ctx: RuleContext;
  /** The declared rules in declaration order, then the extra ones. */
  readonly rules: readonly Rule[];
  /** The declaration of each rule (undefined for an extra rule), index for index. */
  readonly declarations: readonly (RuleDeclaration | undefined)[];
  readonly replays: Partial<StreamReplays>;
  readonly #hooks = new Map<HookName, RuleHooks<HookName>>();
  #finished = false;

  constructor(base: AuditBase, declarations: readonly RuleDeclaration[], opts: RuleSetOptions = {}) {
    this.ctx = ruleContext(base.ref, base.params, base.sink);
    const replays: Partial<Record<ReplayStream, unknown>> = {};
    for (const s of new Set([...(opts.replays ?? []), ...declarations.flatMap((d) => d.replay ?? [])])) {
      replays[s] = STREAM_REPLAYS[s](base.ref);
    }
    this.replays = replays as Partial<StreamReplays>;
    const extra = opts.extra ?? [];
    this.rules = [...declarations.map((d) => d.create(this.replays)), ...extra];
    this.declarations = [...declarations, ...extra.map(() => undefined)];
    this.hooks('onReference').call(undefined, undefined, this.ctx, undefined, undefined, undefined);
  }

  /** One hook of every rule that has it, bound once (the same object on every call). */
  hooks<K extends HookName>(hook: K): RuleHooks<K> {
    let h = this.#hooks.get(hook);
    if (h === undefined) {
      h = new RuleHooks(this.rules, hook, this.ctx);
      this.#hooks.set(hook, h);
    }
    return h as RuleHooks<K>;
  }

  /** One hook of the rules that pass `keep` (with their declaration), bound once per call of this method. */
  hooksWhere<K extends HookName>(hook: K, keep: (d: RuleDeclaration | undefined) => boolean): RuleHooks<K> {
    return new RuleHooks(
      this.rules.filter((_, i) => keep(this.declarations[i])),
      hook,
      this.ctx,
    );
  }

  /** Calls every rule's finish, once, after the last stream. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.hooks('finish').call(undefined, undefined, this.ctx, undefined, undefined, undefined);
  }

  /** How each rule is recognised in a checkpoint: its class (or "Object" for a literal) and its check ids. */
  signatures(): string[] {
    return this.rules.map(ruleSignature);
  }

  /**
   * Every rule's state. Every rule must declare saveState (a stateless one returns null): one that does not is refused
   * by name rather than silently restarted from nothing.
   */
  saveStates(): unknown[] {
    const states: unknown[] = [];
    for (const rule of this.rules) {
      if (typeof rule.saveState !== 'function' || typeof rule.loadState !== 'function') {
        throw new CheckpointError(
          `rule ${ruleSignature(rule)} declares no saveState/loadState, so its state cannot be carried over a checkpoint`,
        );
      }
      try {
        states.push(rule.saveState());
      } catch (error) {
        throw new CheckpointError(`rule ${ruleSignature(rule)} could not save its state`, { cause: error });
      }
    }
    return states;
  }

  /** Refuses states that saveStates of another list of rules returned. */
  checkStates(signatures: unknown, states: unknown): asserts states is unknown[] {
    const mine = this.signatures();
    if (
      !Array.isArray(signatures) ||
      signatures.length !== mine.length ||
      signatures.some((r, i) => r !== mine[i]) ||
      !Array.isArray(states) ||
      states.length !== mine.length
    ) {
      throw new CheckpointError(
        `checkpoint rules [${(Array.isArray(signatures) ? signatures : []).join(' ')}] differ from this auditor's [${mine.join(' ')}]`,
      );
    }
  }

  /** Loads states saveStates returned (checked by checkStates) into these rules. */
  loadStates(states: readonly unknown[]): void {
    const mine = this.signatures();
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (typeof rule.loadState !== 'function') throw new CheckpointError(`rule ${mine[i]} declares no loadState`);
      try {
        rule.loadState(states[i]);
      } catch (error) {
        throw new CheckpointError(`rule ${mine[i]} could not load its state`, { cause: error });
      }
    }
  }
}

function ruleSignature(rule: Rule): string {
  const kind = (rule as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
  return `${kind}[${rule.checks.join(',')}]`;
}
