/** Errors of the rule pack. */

/** The pack, or a selection of it, cannot be built as declared (a rule's replay missing, an unknown check). */
export class RulePackError extends Error {
  override readonly name = 'RulePackError';
}
