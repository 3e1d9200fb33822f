/**
 * A bounded sample for evidence: the first N distinct ids seen, and how many records were counted in all. Memory stays
 * bounded per subject (session, IP), never per event.
 */
/** A FirstIds as plain data, for a checkpoint. */
export interface FirstIdsState {
  limit: number;
  ids: string[];
  count: number;
}

export class FirstIds {
  readonly #limit: number;
  readonly ids: string[] = [];
  count = 0;
  /** Ids that can still be kept (limit − ids.length): once full, add touches neither the array nor the ids. */
  #room: number;

  constructor(limit = 10) {
    this.#limit = limit;
    this.#room = limit;
  }

  add(id: string): void {
    this.count += 1;
    if (this.#room > 0 && !this.ids.includes(id)) {
      this.ids.push(id);
      this.#room--;
    }
  }

  saveState(): FirstIdsState {
    return { limit: this.#limit, ids: [...this.ids], count: this.count };
  }

  static fromState(state: FirstIdsState): FirstIds {
    const f = new FirstIds(state.limit);
    f.ids.push(...state.ids);
    f.#room = state.limit - f.ids.length;
    f.count = state.count;
    return f;
  }

  toJSON(): { ids: string[]; count: number } {
    return { ids: [...this.ids], count: this.count };
  }
}
