/**
 * Which symbols must be replayed together. The single-process replay keys orders by order_id across all symbols, so a
 * trade whose symbol differs from its orders', an order event whose symbol differs from the order's first one, or a
 * trade_id used on two symbols ties those symbols' outcomes together. A union-find over symbols, fed every such id,
 * groups linked symbols into one partition; normally every symbol is its own partition. Memory grows with the number
 * of distinct order and trade ids (one small map entry each).
 */
export class SymbolLinks {
  /** Symbols in order of first appearance. */
  readonly symbols: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #parent: number[] = [];
  /** id (prefixed by its kind) → index of the first symbol it was seen with. */
  readonly #idSymbol = new Map<string, number>();

  /** The symbol's index (added on first sight). */
  symbol(name: string): number {
    let i = this.#index.get(name);
    if (i === undefined) {
      i = this.symbols.length;
      this.symbols.push(name);
      this.#index.set(name, i);
      this.#parent.push(i);
    }
    return i;
  }

  /** Records that `id` occurs with symbol `s`; links s to every symbol the id occurred with before. */
  link(s: number, id: string): void {
    const first = this.#idSymbol.get(id);
    if (first === undefined) this.#idSymbol.set(id, s);
    else if (first !== s) this.#union(first, s);
  }

  #find(i: number): number {
    const p = this.#parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }

  #union(a: number, b: number): void {
    const ra = this.#find(a);
    const rb = this.#find(b);
    if (ra === rb) return;
    // The smaller index stays the root, so a group is named by its first-seen symbol.
    if (ra < rb) this.#parent[rb] = ra;
    else this.#parent[ra] = rb;
  }

  /** Groups of symbol indexes, each sorted, ordered by their first symbol. */
  groups(): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < this.symbols.length; i++) {
      const r = this.#find(i);
      let g = byRoot.get(r);
      if (g === undefined) {
        g = [];
        byRoot.set(r, g);
      }
      g.push(i);
    }
    return [...byRoot.values()].sort((a, b) => a[0]! - b[0]!);
  }
}
