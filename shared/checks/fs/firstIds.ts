/**
 * A bounded sample for evidence: the first N distinct ids seen, and how many records were counted in all. Memory stays
 * bounded per subject (session, IP), never per event.
 */
export class FirstIds {
  readonly #limit: number;
  readonly ids: string[] = [];
  count = 0;

  constructor(limit = 10) {
    this.#limit = limit;
  }

  add(id: string): void {
    this.count += 1;
    if (this.ids.length < this.#limit && !this.ids.includes(id)) this.ids.push(id);
  }

  toJSON(): { ids: string[]; count: number } {
    return { ids: [...this.ids], count: this.count };
  }
}
